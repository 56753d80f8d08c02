package dev.muster.core.tpm;

import java.io.ByteArrayOutputStream;

/** Builds TPM marshaling: big-endian integers and TPM2B (u16 size ‖ bytes) buffers. */
final class TpmWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    TpmWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("not a u16: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    TpmWriter u32(long v) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
        return this;
    }

    TpmWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    TpmWriter tpm2b(byte[] b) {
        return u16(b.length).bytes(b);
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /** The common case of wrapping one finished structure in a TPM2B. */
    static byte[] sized(byte[] b) {
        return new TpmWriter().tpm2b(b).toBytes();
    }
}
