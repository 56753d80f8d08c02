package dev.muster.it;

import static dev.muster.it.FuzzRun.ANSWER_MILLIS;
import static dev.muster.it.FuzzRun.WAIT_MILLIS;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Mutated WebSockets on 443's {@code /$iothub/websocket}, carrying both sub-protocols (mqtt and AMQPWSB10) to the
 * bridged listeners: mutated upgrade requests, then frames with bad opcodes, lengths and masks and fragmented
 * control frames. The server never answers with a 5xx, never leaves an unhandled exception in its log and never
 * leaves a connection open, the bridge's inner ones included; a valid upgrade is always accepted, and a well-formed
 * MQTT register over valid frames is always answered (not with a 5xx) or closed.
 */
class WebSocketFuzzIT {
    private static final long SEED = 6_455L;
    private static final int INPUTS = 300;

    @Test
    void mutatedUpgradesAndFramesGetNoServerErrorAndLeaveNoConnectionOpen() throws Exception {
        FuzzDevice d = FuzzDevice.registered("fuzz-ws-");
        byte[] connect = MqttPackets.connect(d.registrationId(), d.registration() + "/api-version=2019-03-31", d.token());
        byte[] register = ("{\"registrationId\":\"" + d.registrationId() + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] sasl = AmqpInputs.sasl(new AmqpInputs.Device(d.registration(), d.token(), null, null, null));
        FuzzRun run = new FuzzRun("WebSocket", SEED);
        WebSocketInputs inputs = new WebSocketInputs(run.fuzz(), connect, register, sasl);
        for (int i = 0; i < INPUTS; i++) {
            WebSocketInputs.Case c = inputs.next();
            run.submit(i, AmqpInputs.concat(java.util.List.of(c.upgrade(), c.frames())), () -> exchange(c));
        }
        run.finish();
    }

    private static String exchange(WebSocketInputs.Case c) throws Exception {
        try (Wire wire = Wire.open("localhost", 443)) {
            wire.send(c.upgrade());
            byte[] head = wire.read(c.validUpgrade() ? ANSWER_MILLIS : WAIT_MILLIS,
                    a -> HttpFuzzIT.finalStatus(a) > 0 || new String(a, StandardCharsets.ISO_8859_1).contains("\r\n\r\n"));
            String text = new String(head, StandardCharsets.ISO_8859_1);
            int status = text.startsWith("HTTP/1.1 101") ? 101 : HttpFuzzIT.finalStatus(head);
            String error = HttpFuzzIT.serverError(wire, c.upgrade(), status);
            if (error != null) {
                return error;
            }
            if (!c.validUpgrade()) {
                return null;
            }
            if (status != 101) {
                return "a valid upgrade got " + text.lines().findFirst().orElse("no answer");
            }
            int headEnd = text.indexOf("\r\n\r\n") + 4;
            wire.send(c.frames());
            byte[] got = wire.read(c.mustAnswer() ? ANSWER_MILLIS : WAIT_MILLIS,
                    a -> c.mustAnswer() && registerAnswer(frames(a, headEnd)) != null);
            if (!c.mustAnswer()) {
                return null;
            }
            MqttPackets.Packet answer = registerAnswer(frames(got, headEnd));
            if (answer == null) {
                return wire.closedByServer() ? null
                        : "a well-formed register over valid frames was neither answered nor closed within "
                                + ANSWER_MILLIS + " ms";
            }
            String[] parts = answer.topic().split("/");
            return parts.length > 3 && parts[3].startsWith("5") ? "answered " + answer.topic() : null;
        }
    }

    private static byte[] frames(byte[] received, int headEnd) {
        return WebSocketFrames.binaryPayloads(java.util.Arrays.copyOfRange(received, Math.min(headEnd, received.length),
                received.length));
    }

    private static MqttPackets.Packet registerAnswer(byte[] mqtt) {
        return MqttPackets.parse(mqtt).stream().filter(p -> p.type() == MqttPackets.PUBLISH
                && p.topic().startsWith("$dps/registrations/res/")).findFirst().orElse(null);
    }
}
