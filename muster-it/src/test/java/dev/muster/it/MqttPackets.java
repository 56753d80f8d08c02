package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** MQTT 3.1.1 packets byte by byte (only what a device sends), and the packets in a stream of received bytes. */
final class MqttPackets {
    /** A received packet: its first byte (type and flags) and its body. */
    record Packet(int header, byte[] body) {
        int type() {
            return header >> 4;
        }

        /** The topic of a PUBLISH. */
        String topic() {
            int length = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
            return new String(body, 2, Math.min(length, body.length - 2), StandardCharsets.UTF_8);
        }
    }

    static final int CONNACK = 2;
    static final int PUBLISH = 3;
    static final int PUBACK = 4;

    private MqttPackets() {}

    /** CONNECT, protocol "MQTT" level 4, clean session, keep-alive 60 s; user name and password when not null. */
    static byte[] connect(String clientId, String user, String password) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(string("MQTT"));
        b.write(4);
        b.write(0x02 | (user != null ? 0x80 : 0) | (password != null ? 0x40 : 0));
        b.writeBytes(new byte[] {0, 60});
        b.writeBytes(string(clientId));
        if (user != null) {
            b.writeBytes(string(user));
        }
        if (password != null) {
            b.writeBytes(string(password));
        }
        return packet(0x10, b.toByteArray());
    }

    /** PUBLISH at QoS 0, or QoS 1 with packet id 1. */
    static byte[] publish(byte[] topic, int qos, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(string(topic));
        if (qos > 0) {
            b.writeBytes(new byte[] {0, 1});
        }
        b.writeBytes(payload);
        return packet(0x30 | (qos << 1), b.toByteArray());
    }

    /** SUBSCRIBE (packet id 2) to one topic filter at QoS 1. */
    static byte[] subscribe(String filter) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 2});
        b.writeBytes(string(filter));
        b.write(1);
        return packet(0x82, b.toByteArray());
    }

    static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            b.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        b.writeBytes(body);
        return b.toByteArray();
    }

    static byte[] string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-prefixed string of any bytes (a fuzzed one need not be UTF-8). */
    static byte[] string(byte[] utf8) {
        byte[] out = new byte[utf8.length + 2];
        out[0] = (byte) (utf8.length >> 8);
        out[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, out, 2, utf8.length);
        return out;
    }

    /** The complete packets at the start of {@code stream}; an incomplete last one is left out. */
    static List<Packet> parse(byte[] stream) {
        List<Packet> packets = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            int length = 0;
            int multiplier = 1;
            int i = at + 1;
            while (true) {
                if (i >= stream.length || multiplier > 128 * 128 * 128) {
                    return packets;
                }
                int digit = stream[i++] & 0xff;
                length += (digit & 0x7f) * multiplier;
                multiplier *= 128;
                if ((digit & 0x80) == 0) {
                    break;
                }
            }
            if (i + length > stream.length) {
                return packets;
            }
            packets.add(new Packet(stream[at] & 0xff, java.util.Arrays.copyOfRange(stream, i, i + length)));
            at = i + length;
        }
        return packets;
    }
}
