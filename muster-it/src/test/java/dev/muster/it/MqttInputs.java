package dev.muster.it;

import java.nio.charset.StandardCharsets;

/**
 * Mutated MQTT inputs for one device: CONNECTs mutated byte by byte or field by field (client id, user name,
 * password), garbage right after a valid CONNECT, and after its CONNACK garbage, mutated packets, or well-formed
 * PUBLISHes with a mutated topic or a mutated JSON payload ({@link JsonBodies}).
 */
final class MqttInputs {
    private static final String[] ODD_CLIENT_IDS = {"", "someone-else", "x".repeat(300), "\0", "\u00e9", "a/b", "#"};
    private static final String[] ODD_PASSWORDS = {"", "x", "SharedAccessSignature sr=&sig=&se=",
            "SharedAccessSignature sr=a&sig=b&se=0", "SharedAccessSignature sr=a&sig=%zz&se=99999999999999999999",
            "SharedAccessSignature " + "a".repeat(5000), "\0"};

    private final Fuzz fuzz;
    private final JsonBodies bodies;

    MqttInputs(Fuzz fuzz) {
        this.fuzz = fuzz;
        this.bodies = new JsonBodies(fuzz);
    }

    MqttFuzzIT.Case next(String host, MqttFuzzIT.Session s) {
        byte[] connect = MqttPackets.connect(s.clientId(), s.user(), s.password());
        String topic = fuzz.oneOf(s.topics());
        boolean telemetry = topic.startsWith("devices/");
        int qos = telemetry ? 1 : fuzz.below(2);
        byte[] publish = MqttPackets.publish(utf8(topic), qos, s.body());
        switch (fuzz.below(10)) {
            case 0, 1:
                return new MqttFuzzIT.Case(host, fuzz.mutate(connect), null, false, false);
            case 2:
                return new MqttFuzzIT.Case(host, MqttPackets.connect(
                        fuzz.percent(50) ? s.clientId() : fuzz.oneOf(ODD_CLIENT_IDS),
                        fuzz.percent(30) ? null : oddUser(s.user()),
                        fuzz.percent(20) ? null : fuzz.percent(50) ? s.password() : fuzz.oneOf(ODD_PASSWORDS)),
                        null, false, false);
            case 3:
                return new MqttFuzzIT.Case(host, Fuzz.splice(connect, connect.length, connect.length,
                        fuzz.percent(50) ? fuzz.bytes(1 + fuzz.below(64)) : fuzz.mutate(publish)), null, false, false);
            case 4:
                return new MqttFuzzIT.Case(host, connect, fuzz.percent(50) ? fuzz.bytes(1 + fuzz.below(64))
                        : fuzz.mutate(publish), false, false);
            case 5:
                return new MqttFuzzIT.Case(host, connect, MqttPackets.publish(fuzz.mutate(utf8(topic)), qos, s.body()),
                        true, false);
            default:
                return new MqttFuzzIT.Case(host, connect, MqttPackets.publish(utf8(topic), qos,
                        bodies.edit(s.body())), true, telemetry);
        }
    }

    /** The user name cut, extended, or with its separators and characters changed. */
    private String oddUser(String user) {
        int cut = fuzz.below(user.length() + 1);
        return switch (fuzz.below(6)) {
            case 0 -> user.substring(0, cut);
            case 1 -> user.substring(0, cut) + fuzz.oneOf("/", "//", "/?", "\0", "%", "/registrations/", "\u00e9",
                    "/api-version=", "&") + user.substring(cut);
            case 2 -> user + "/" + "x".repeat(fuzz.oneOf(300, 3000));
            case 3 -> user.replace('/', fuzz.oneOf('\\', '?', '#'));
            case 4 -> "";
            default -> new String(fuzz.mutate(utf8(user)), StandardCharsets.UTF_8);
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
