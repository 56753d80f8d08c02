package dev.muster.it;

import static dev.muster.it.FuzzRun.ANSWER_MILLIS;
import static dev.muster.it.FuzzRun.WAIT_MILLIS;

import dev.muster.core.sas.SasSigner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mutated MQTT 3.1.1 on 8883, to DPS (localhost) and to the built-in hub (its own address): CONNECTs with mutated
 * fields and lengths, garbage after a valid CONNECT, and requests with mutated topics and JSON payloads after a valid
 * one. The server never answers a request with a 5xx (or CONNACK "server unavailable"), never leaves an unhandled
 * exception in its log and never leaves a connection open; a well-formed request is always answered or closed.
 */
class MqttFuzzIT {
    private static final long SEED = 8_883L;
    private static final int INPUTS = 300;
    /** A hub keeps one connection per device, so parallel exchanges use devices of their own. */
    private static final int HUB_DEVICES = 8;
    private static final int CONNACK_SERVER_UNAVAILABLE = 3;

    /**
     * One input: a CONNECT; when {@code then} is not null, the CONNECT is valid and {@code then} follows its CONNACK.
     * A request that must be answered is answered on a response topic, or with a PUBACK when {@code acked}.
     */
    record Case(String host, byte[] connect, byte[] then, boolean mustAnswer, boolean acked) {
        byte[] shown() {
            return then == null ? connect : Fuzz.splice(connect, connect.length, connect.length, then);
        }
    }

    /** A device's valid CONNECT and the valid requests it may send after it. */
    record Session(String clientId, String user, String password, List<String> topics, byte[] body) {}

    @Test
    void mutatedPacketsToDpsGetNoServerErrorAndLeaveNoConnectionOpen() throws Exception {
        FuzzDevice d = FuzzDevice.registered("fuzz-mqtt-");
        String id = d.registrationId();
        Session dps = new Session(id, d.registration() + "/api-version=2019-03-31", d.token(), List.of(
                "$dps/registrations/PUT/iotdps-register/?$rid=1",
                "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=" + d.operationId()),
                ("{\"registrationId\":\"" + id + "\",\"payload\":{\"a\":[1,{\"b\":null}]}}").getBytes(StandardCharsets.UTF_8));
        FuzzRun run = new FuzzRun("MQTT (DPS)", SEED);
        MqttInputs inputs = new MqttInputs(run.fuzz());
        for (int i = 0; i < INPUTS; i++) {
            Case c = inputs.next("localhost", dps);
            run.submit(i, c.shown(), () -> exchange(c));
        }
        run.finish();
    }

    @Test
    void mutatedPacketsToTheHubGetNoServerErrorAndLeaveNoConnectionOpen() throws Exception {
        String hubConnection = MusterUnderTest.info().hubs().get(0).connectionString();
        String hub = MusterUnderTest.hub();
        Session[] devices = new Session[HUB_DEVICES];
        String prefix = "fuzz-mqtt-hub-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        for (int k = 0; k < HUB_DEVICES; k++) {
            String id = prefix + k;
            new HubRest(hubConnection).createSasDevice(id, ProtocolAbuseIT.HUB_DEVICE_KEY);
            devices[k] = new Session(id, hub + "/" + id + "/?api-version=2021-04-12",
                    SasSigner.sign(hub + "/devices/" + id, ProtocolAbuseIT.HUB_DEVICE_KEY, null, RawDevice.inAnHour()), List.of(
                    "$iothub/twin/GET/?$rid=1", "$iothub/twin/PATCH/properties/reported/?$rid=2",
                    "devices/" + id + "/messages/events/a=1&%24.ct=application%2Fjson"),
                    "{\"reported\":{\"x\":{\"y\":[1,2]}},\"n\":1}".getBytes(StandardCharsets.UTF_8));
        }
        FuzzRun run = new FuzzRun("MQTT (hub)", SEED + 1);
        MqttInputs inputs = new MqttInputs(run.fuzz());
        for (int i = 0; i < INPUTS; i++) {
            Case c = inputs.next(hub, devices[i % HUB_DEVICES]);
            run.submit(i, c.shown(), () -> exchange(c));
        }
        run.finish();
    }

    private static String exchange(Case c) throws Exception {
        try (Wire wire = Wire.open(c.host(), 8883)) {
            wire.send(c.connect());
            // A mutated CONNECT may leave the server waiting for the rest of it; a valid one is answered.
            byte[] got = wire.read(c.then() == null ? WAIT_MILLIS : ANSWER_MILLIS,
                    a -> first(a, MqttPackets.CONNACK) != null);
            MqttPackets.Packet connack = first(got, MqttPackets.CONNACK);
            int code = connack == null || connack.body().length < 2 ? -1 : connack.body()[1];
            if (code == CONNACK_SERVER_UNAVAILABLE) {
                return "CONNACK 3 (server unavailable)";
            }
            if (c.then() == null) {
                return null;
            }
            if (code != 0) {
                return "a valid CONNECT got " + (connack == null ? "no CONNACK" : "CONNACK " + code);
            }
            wire.consume();
            wire.send(c.then());
            byte[] answer = wire.read(c.mustAnswer() ? ANSWER_MILLIS : WAIT_MILLIS, a -> answer(a, c.acked()) != null);
            MqttPackets.Packet reply = answer(answer, c.acked());
            int status = reply == null ? -1 : status(reply);
            if (status >= 500) {
                return "answered " + reply.topic() + " " + new String(reply.body(), StandardCharsets.UTF_8);
            }
            if (c.mustAnswer() && reply == null && !wire.closedByServer()) {
                return "a well-formed request was neither answered nor closed within " + ANSWER_MILLIS + " ms";
            }
            return null;
        }
    }

    private static MqttPackets.Packet first(byte[] stream, int type) {
        return MqttPackets.parse(stream).stream().filter(p -> p.type() == type).findFirst().orElse(null);
    }

    /** The first answer to a request: a PUBLISH on a response topic, or a PUBACK (telemetry's only answer). */
    private static MqttPackets.Packet answer(byte[] stream, boolean acked) {
        return MqttPackets.parse(stream).stream().filter(p -> acked ? p.type() == MqttPackets.PUBACK
                : p.type() == MqttPackets.PUBLISH && (p.topic().startsWith("$dps/registrations/res/")
                        || p.topic().startsWith("$iothub/twin/res/"))).findFirst().orElse(null);
    }

    /** The status in {@code $dps/registrations/res/{status}/…} or {@code $iothub/twin/res/{status}/…}; 0 for a PUBACK. */
    private static int status(MqttPackets.Packet p) {
        if (p.type() != MqttPackets.PUBLISH) {
            return 0;
        }
        String[] parts = p.topic().split("/");
        try {
            return Integer.parseInt(parts[3]);
        } catch (RuntimeException e) {
            return 999;  // a response topic without a status is no valid answer
        }
    }
}
