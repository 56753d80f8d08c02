package dev.muster.core.tpm;

/**
 * Software TPM2_MakeCredential (Part 1 §24): protects a small credential so that only the TPM holding the EK's
 * private key, and only for an object with the given Name loaded in that TPM, can recover it with
 * TPM2_ActivateCredential.
 */
final class MakeCredential {
    /** TPM2B_ID_OBJECT and TPM2B_ENCRYPTED_SECRET, each with its u16 size. */
    record Result(byte[] credentialBlob, byte[] secret) {
    }

    private MakeCredential() {
    }

    static Result make(TpmPublic ek, byte[] objectName, byte[] credential) {
        ek.requireSha256NameAlg(); // OAEP and KDFa use the EK's name algorithm
        int aesKeyBytes = ek.protectorAesKeyBytes();

        byte[] seed = TpmCrypto.random(32);
        byte[] secret = TpmCrypto.rsaOaepEncrypt(ek.rsaPublicKey(), "IDENTITY", seed);

        byte[] symKey = Kdfa.derive(seed, "STORAGE", objectName, null, aesKeyBytes * 8);
        // The whole TPM2B_DIGEST of the credential, size field included, is encrypted (Part 2 TPMS_ID_OBJECT).
        byte[] encIdentity = TpmCrypto.aesCfbEncrypt(symKey, TpmWriter.sized(credential));
        byte[] hmacKey = Kdfa.derive(seed, "INTEGRITY", null, null, 256);
        byte[] integrity = TpmCrypto.hmacSha256(hmacKey, encIdentity, objectName);

        byte[] idObject = new TpmWriter().tpm2b(integrity).bytes(encIdentity).toBytes();
        return new Result(TpmWriter.sized(idObject), TpmWriter.sized(secret));
    }
}
