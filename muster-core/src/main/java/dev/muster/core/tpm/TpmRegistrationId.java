package dev.muster.core.tpm;

/**
 * The registration id a TPM device uses when the application does not set one (reference §6.1 step 5): lowercase
 * RFC 4648 base32 of SHA-256 over the EK's TPM2B_PUBLIC bytes, '=' padding removed. Both the C and the Java SDK
 * derive it this way, so the service can predict it from an enrollment's endorsement key.
 */
public final class TpmRegistrationId {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private TpmRegistrationId() {
    }

    /** @param ekTpm2bPublic the EK exactly as sent (base64-decoded TPM2B_PUBLIC, size prefix included) */
    public static String of(byte[] ekTpm2bPublic) {
        if (ekTpm2bPublic == null || ekTpm2bPublic.length == 0) {
            throw new TpmException("endorsement key is missing");
        }
        return base32(TpmCrypto.sha256(ekTpm2bPublic));
    }

    public static String of(TpmPublic ek) {
        return of(ek.tpm2bPublic());
    }

    /** RFC 4648 §6 without padding: 5 bits per character, the last group zero-filled on the right. */
    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(ALPHABET[(buffer >>> (bits - 5)) & 0x1F]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(ALPHABET[(buffer << (5 - bits)) & 0x1F]);
        }
        return sb.toString();
    }
}
