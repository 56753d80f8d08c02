package dev.muster.core.tpm;

/**
 * The device identity key the service hands to the TPM: a KEYEDHASH object holding the HMAC-SHA256 key the
 * device will sign SAS tokens with. Its public area follows the DPS/DrsServer template so that the TPM's
 * TPM2_HMAC (hashAlg NULL) uses the scheme's SHA-256, and it carries no fixedTPM/fixedParent so Import accepts it.
 */
final class IdentityKey {
    /** TPMA_OBJECT sign (bit 18) | noDA (bit 10) | userWithAuth (bit 6). */
    static final int ATTRIBUTES = 0x00040440;
    /** TPM_CC_PolicyCommandCode and TPM_CC_Duplicate. */
    private static final long CC_POLICY_COMMAND_CODE = 0x0000016CL;
    private static final long CC_DUPLICATE = 0x0000014BL;
    /** PolicyCommandCode(TPM_CC_Duplicate) from an empty policy: H(0³² ‖ CC_PolicyCommandCode ‖ CC_Duplicate). */
    static final byte[] DUPLICATE_POLICY = TpmCrypto.sha256(new byte[32],
            new TpmWriter().u32(CC_POLICY_COMMAND_CODE).u32(CC_DUPLICATE).toBytes());
    /** MAX_SYM_DATA: the largest TPM2B_SENSITIVE_DATA a TPM takes. */
    static final int MAX_KEY_BYTES = 128;

    private final byte[] publicArea;
    private final byte[] name;
    private final byte[] sensitive;

    private IdentityKey(byte[] hmacKey, byte[] seedValue) {
        publicArea = new TpmWriter()
                .u16(TpmAlg.KEYEDHASH)
                .u16(TpmAlg.SHA256)
                .u32(ATTRIBUTES)
                .tpm2b(DUPLICATE_POLICY)
                .u16(TpmAlg.HMAC).u16(TpmAlg.SHA256)            // TPMT_KEYEDHASH_SCHEME {HMAC, SHA256}
                .tpm2b(TpmCrypto.sha256(seedValue, hmacKey))   // unique: Import checks H(seedValue ‖ key)
                .toBytes();
        name = new TpmWriter().u16(TpmAlg.SHA256).bytes(TpmCrypto.sha256(publicArea)).toBytes();
        byte[] tpmtSensitive = new TpmWriter()
                .u16(TpmAlg.KEYEDHASH)
                .tpm2b(new byte[0])                            // authValue: empty, the SDKs use no password
                .tpm2b(seedValue)
                .tpm2b(hmacKey)
                .toBytes();
        sensitive = TpmWriter.sized(tpmtSensitive);
    }

    static IdentityKey hmacSha256(byte[] hmacKey) {
        if (hmacKey == null || hmacKey.length == 0 || hmacKey.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("the HMAC key must be 1.." + MAX_KEY_BYTES + " bytes");
        }
        return new IdentityKey(hmacKey.clone(), TpmCrypto.random(32));
    }

    /** TPMT_PUBLIC. */
    byte[] publicArea() {
        return publicArea;
    }

    /** u16 SHA256 ‖ SHA-256(TPMT_PUBLIC). */
    byte[] name() {
        return name;
    }

    /** TPM2B_SENSITIVE: the secret part the duplication blob carries. */
    byte[] sensitive() {
        return sensitive;
    }
}
