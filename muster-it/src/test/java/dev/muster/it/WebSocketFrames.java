package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** WebSocket frames (RFC 6455) byte by byte as a client sends them, and the payloads of the frames a server sends. */
final class WebSocketFrames {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private WebSocketFrames() {}

    /** A final, masked frame. */
    static byte[] frame(int opcode, byte[] payload) {
        return frame(true, 0, opcode, true, payload.length, payload);
    }

    /**
     * Any frame, valid or not: FIN, RSV bits (0 to 7), opcode, masked or not, the length it claims (which need not
     * be the payload's), and the payload (masked when {@code masked}).
     */
    static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, long claimedLength, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xf));
        int maskBit = masked ? 0x80 : 0;
        if (claimedLength < 126) {
            out.write(maskBit | (int) claimedLength);
        } else if (claimedLength < 65536) {
            out.write(maskBit | 126);
            out.write((int) (claimedLength >> 8));
            out.write((int) claimedLength);
        } else {
            out.write(maskBit | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(claimedLength).array());
        }
        if (masked) {
            out.writeBytes(MASK);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ MASK[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    /** The payloads of the complete binary and continuation frames in {@code stream} (server frames are not masked). */
    static byte[] binaryPayloads(byte[] stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at + 2 <= stream.length) {
            int opcode = stream[at] & 0xf;
            long length = stream[at + 1] & 0x7f;
            int header = 2;
            if (length == 126 && at + 4 <= stream.length) {
                length = ((stream[at + 2] & 0xff) << 8) | (stream[at + 3] & 0xff);
                header = 4;
            } else if (length == 127 && at + 10 <= stream.length) {
                length = ByteBuffer.wrap(stream, at + 2, 8).getLong();
                header = 10;
            } else if (length >= 126) {
                break;
            }
            if (length < 0 || at + header + length > stream.length) {
                break;
            }
            if (opcode == BINARY || opcode == CONTINUATION) {
                out.write(stream, at + header, (int) length);
            }
            at += header + (int) length;
        }
        return out.toByteArray();
    }
}
