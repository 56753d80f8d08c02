package dev.muster.it;

import dev.muster.server.http.WebSocketBridge;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutated WebSocket inputs on 443's {@code /$iothub/websocket}, for both sub-protocols: upgrade requests with a
 * header dropped or odd, or mutated byte by byte; and after a valid upgrade, frames with bad opcodes, RSV bits, no
 * mask, lengths that lie, fragmented or oversized control frames, stray continuations, bad close payloads, or the
 * valid frames mutated byte by byte. A well-formed MQTT register over valid frames must be answered.
 */
final class WebSocketInputs {
    /** One input: the upgrade, whether it is the valid one, the frames after it, whether they must be answered. */
    record Case(byte[] upgrade, boolean validUpgrade, byte[] frames, boolean mustAnswer) {}

    private static final String[] PATHS = {"/$iothub/websocket?iothub-no-client-cert=true", "/$iothub/websocket/x",
            "/", "/%24iothub/websocket", "/$iothub/websocket/../websocket", "/$iothub/" + "w".repeat(3000)};
    private static final String[] VERSIONS = {"8", "99", "", "13, 8", "-1"};
    private static final String[] KEYS = {"", "short", "!!!!!!!!!!!!!!!!!!!!!!==", "A".repeat(24), "A".repeat(5000)};
    private static final String[] PROTOCOLS = {"", "mqtt, AMQPWSB10", "amqp", "MQTT", "x".repeat(3000), ",,,"};
    private static final int[] BAD_OPCODES = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};

    private final Fuzz fuzz;
    private final byte[] mqttConnect;
    private final byte[] mqttRegister;
    private final byte[] amqpSasl;
    private final JsonBodies bodies;

    /** @param mqttConnect a valid DPS CONNECT; @param mqttRegister its register body; @param amqpSasl SASL bytes */
    WebSocketInputs(Fuzz fuzz, byte[] mqttConnect, byte[] mqttRegister, byte[] amqpSasl) {
        this.fuzz = fuzz;
        this.mqttConnect = mqttConnect;
        this.mqttRegister = mqttRegister;
        this.amqpSasl = amqpSasl;
        this.bodies = new JsonBodies(fuzz);
    }

    Case next() {
        boolean mqtt = fuzz.percent(50);
        String protocol = mqtt ? WebSocketBridge.MQTT : WebSocketBridge.AMQP;
        if (fuzz.percent(30)) {
            return new Case(oddUpgrade(protocol), false, new byte[0], false);
        }
        byte[] upgrade = Fuzz.ascii(upgrade("GET", "/$iothub/websocket", headers(protocol)));
        byte[] inner = mqtt ? mqttConnect : amqpSasl;
        if (mqtt && fuzz.percent(25)) {
            byte[] publish = MqttPackets.publish(Fuzz.ascii("$dps/registrations/PUT/iotdps-register/?$rid=1"),
                    fuzz.below(2), bodies.edit(mqttRegister));
            return new Case(upgrade, true, AmqpInputs.concat(List.of(WebSocketFrames.frame(WebSocketFrames.BINARY,
                    inner), WebSocketFrames.frame(WebSocketFrames.BINARY, publish))), true);
        }
        byte[] valid = fuzz.percent(50) ? WebSocketFrames.frame(WebSocketFrames.BINARY, inner) : new byte[0];
        return new Case(upgrade, true, AmqpInputs.concat(List.of(valid, oddFrames(inner))), false);
    }

    private byte[] oddFrames(byte[] inner) {
        byte[] three = {1, 2, 3};
        return switch (fuzz.below(11)) {
            case 0 -> WebSocketFrames.frame(true, 0, BAD_OPCODES[fuzz.below(BAD_OPCODES.length)], true, inner.length,
                    inner);
            case 1 -> WebSocketFrames.frame(true, 1 + fuzz.below(7), WebSocketFrames.BINARY, true, inner.length, inner);
            case 2 -> WebSocketFrames.frame(true, 0, WebSocketFrames.BINARY, false, inner.length, inner);
            case 3 -> WebSocketFrames.frame(true, 0, WebSocketFrames.BINARY, true,
                    fuzz.oneOf(inner.length + 1L, inner.length + 100L, 70_000L, 1L << 40, Long.MAX_VALUE, -1L), inner);
            case 4 -> AmqpInputs.concat(List.of(WebSocketFrames.frame(false, 0, WebSocketFrames.PING, true, 3, three),
                    WebSocketFrames.frame(true, 0, WebSocketFrames.CONTINUATION, true, 3, three)));
            case 5 -> WebSocketFrames.frame(true, 0, fuzz.oneOf(WebSocketFrames.PING, WebSocketFrames.CLOSE), true, 200,
                    new byte[200]);
            case 6 -> WebSocketFrames.frame(true, 0, WebSocketFrames.CONTINUATION, true, inner.length, inner);
            case 7 -> WebSocketFrames.frame(WebSocketFrames.TEXT, new byte[] {(byte) 0xff, (byte) 0xfe, 'x'});
            case 8 -> WebSocketFrames.frame(WebSocketFrames.CLOSE, fuzz.oneOf(new byte[] {3},
                    new byte[] {0x03, (byte) 0xe7}, new byte[] {0x13, (byte) 0x88}, new byte[] {0x03, (byte) 0xe8,
                    (byte) 0xff}));
            case 9 -> AmqpInputs.concat(List.of(WebSocketFrames.frame(false, 0, WebSocketFrames.BINARY, true,
                    inner.length, inner), WebSocketFrames.frame(WebSocketFrames.BINARY, inner)));
            default -> fuzz.mutate(WebSocketFrames.frame(WebSocketFrames.BINARY, inner));
        };
    }

    /** An upgrade request with one odd part, or (a third of the time) mutated byte by byte. */
    private byte[] oddUpgrade(String protocol) {
        List<String> headers = headers(protocol);
        String method = "GET";
        String path = "/$iothub/websocket";
        switch (fuzz.below(7)) {
            case 0 -> path = fuzz.oneOf(PATHS);
            case 1 -> headers.remove(fuzz.below(headers.size()));
            case 2 -> headers.set(4, "Sec-WebSocket-Version: " + fuzz.oneOf(VERSIONS));
            case 3 -> headers.set(3, "Sec-WebSocket-Key: " + fuzz.oneOf(KEYS));
            case 4 -> headers.set(5, "Sec-WebSocket-Protocol: " + fuzz.oneOf(PROTOCOLS));
            case 5 -> method = fuzz.oneOf("POST", "PUT", "HEAD", "OPTIONS");
            default -> headers.add(fuzz.oneOf("Sec-WebSocket-Extensions: permessage-deflate",
                    "Connection: close", "Upgrade: h2c", "Content-Length: 5"));
        }
        byte[] request = Fuzz.ascii(upgrade(method, path, headers));
        return fuzz.percent(33) ? fuzz.mutate(request) : request;
    }

    private static List<String> headers(String protocol) {
        return new ArrayList<>(List.of("Host: localhost", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
                "Sec-WebSocket-Protocol: " + protocol));
    }

    private static String upgrade(String method, String path, List<String> headers) {
        return method + " " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
    }
}
