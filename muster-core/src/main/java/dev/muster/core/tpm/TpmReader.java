package dev.muster.core.tpm;

/**
 * Bounds-checked reader for TPM marshaling (big-endian integers, TPM2B = u16 size ‖ bytes). Every read names
 * the field it wanted, so truncated or garbage input becomes a {@link TpmException} that says where it broke
 * instead of an ArrayIndexOutOfBoundsException.
 */
final class TpmReader {
    private final byte[] data;
    private final String what;
    private int pos;

    TpmReader(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int u16(String field) {
        need(2, field);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    long u32(String field) {
        need(4, field);
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (data[pos + i] & 0xFF);
        }
        pos += 4;
        return v;
    }

    byte[] bytes(int n, String field) {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** A TPM2B whose declared size may not exceed {@code max} (the union's largest member in Part 2). */
    byte[] tpm2b(String field, int max) {
        int size = u16(field + " size");
        if (size > max) {
            throw new TpmException(String.format("%s: %s has size %d, more than the %d a TPM allows", what, field,
                    size, max));
        }
        return bytes(size, field);
    }

    int position() {
        return pos;
    }

    int remaining() {
        return data.length - pos;
    }

    private void need(int n, String field) {
        if (remaining() < n) {
            throw new TpmException(String.format("%s is truncated: %s needs %d byte(s) at offset %d but only %d left",
                    what, field, n, pos, remaining()));
        }
    }
}
