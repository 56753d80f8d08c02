package dev.muster.core.tpm;

import java.nio.charset.StandardCharsets;

/**
 * KDFa of TPM 2.0 Part 1 §11.4.10.2 with HMAC-SHA256 in counter mode (SP 800-108): block i is
 * {@code HMAC(key, u32 i ‖ label ‖ 0x00 ‖ contextU ‖ contextV ‖ u32 bits)}, i from 1, concatenated and cut to
 * {@code bits}. The TPM derives every symmetric and integrity key of credentials and duplication blobs this way,
 * so the service must match it bit for bit.
 */
public final class Kdfa {
    private Kdfa() {
    }

    /**
     * @param key      the seed (HMAC key)
     * @param label    e.g. "STORAGE", "INTEGRITY"; the terminating NUL is added unless the label already ends with one
     * @param contextU may be null (empty)
     * @param contextV may be null (empty)
     * @param bits     output length in bits; if not a multiple of 8, the unused high bits of the first byte are zero
     */
    public static byte[] derive(byte[] key, String label, byte[] contextU, byte[] contextV, int bits) {
        if (bits <= 0) {
            throw new IllegalArgumentException("bits must be positive: " + bits);
        }
        byte[] labelBytes = (label.endsWith("\0") ? label : label + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] u = contextU == null ? new byte[0] : contextU;
        byte[] v = contextV == null ? new byte[0] : contextV;
        byte[] bitsField = new TpmWriter().u32(bits).toBytes();

        byte[] out = new byte[(bits + 7) / 8];
        int filled = 0;
        for (long counter = 1; filled < out.length; counter++) {
            byte[] block = TpmCrypto.hmacSha256(key, new TpmWriter().u32(counter).toBytes(), labelBytes, u, v,
                    bitsField);
            int n = Math.min(block.length, out.length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        if (bits % 8 != 0) {
            // Part 1 keeps the low-order bits: the excess high bits of the leading byte are masked off.
            out[0] &= (byte) ((1 << (bits % 8)) - 1);
        }
        return out;
    }
}
