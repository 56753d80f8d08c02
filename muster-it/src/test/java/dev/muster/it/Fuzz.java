package dev.muster.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The seeded source of a fuzz run's inputs. Inputs are drawn one after another on one thread, so a seed always gives
 * the same inputs in the same order, and a failure named by seed and input index can be replayed exactly.
 */
final class Fuzz {
    /** Bytes that sit on the edges of length fields, flags and text decoders. */
    private static final byte[] EDGE_BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xc0, (byte) 0xff, '%', '"', '\\', '\n'};
    private static final int SHOWN = 600;

    private final long seed;
    private final Random random;

    Fuzz(String listener, long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        System.out.println("fuzz " + listener + ": seed " + seed);
    }

    long seed() {
        return seed;
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    boolean percent(int chance) {
        return random.nextInt(100) < chance;
    }

    @SafeVarargs
    final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    <T> T oneOf(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** One to four byte-level edits of a valid input: flips, edge bytes, insertions, deletions, repeats, a cut. */
    byte[] mutate(byte[] valid) {
        byte[] b = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            b = mutateOnce(b);
        }
        return b;
    }

    private byte[] mutateOnce(byte[] b) {
        if (b.length == 0) {
            return bytes(1 + random.nextInt(8));
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(7)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = EDGE_BYTES[random.nextInt(EDGE_BYTES.length)];
            case 2 -> {
                return splice(b, at, at, bytes(1 + random.nextInt(16)));
            }
            case 3 -> {
                return splice(b, at, Math.min(b.length, at + 1 + random.nextInt(16)), new byte[0]);
            }
            case 4 -> {
                int end = Math.min(b.length, at + 1 + random.nextInt(32));
                byte[] run = java.util.Arrays.copyOfRange(b, at, end);
                return splice(b, end, end, run);
            }
            case 5 -> {
                return java.util.Arrays.copyOf(b, at);
            }
            default -> {
                return splice(b, b.length, b.length, bytes(1 + random.nextInt(64)));
            }
        }
        return b;
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + insert.length);
        out.write(b, 0, from);
        out.write(insert, 0, insert.length);
        out.write(b, to, b.length - to);
        return out.toByteArray();
    }

    /** How a failure names its input: enough to replay it (seed, index) and to read it (text and hex, cut short). */
    String describe(int index, byte[] input) {
        byte[] head = input.length > SHOWN ? java.util.Arrays.copyOf(input, SHOWN) : input;
        String more = input.length > SHOWN ? " … (" + input.length + " bytes)" : "";
        return "seed " + seed + ", input #" + index + ": " + printable(head) + more
                + "\n  hex " + HexFormat.of().formatHex(head) + more;
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c == '\n') {
                s.append("\\n");
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
