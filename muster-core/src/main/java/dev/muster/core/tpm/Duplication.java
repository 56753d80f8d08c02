package dev.muster.core.tpm;

/**
 * Software TPM2_Duplicate of the identity key to a new parent, the device's SRK (Part 1 §23.3): an inner wrapper
 * under a random AES-128 key (which only ActivateCredential on the right TPM reveals) and an outer wrapper under
 * a seed only the SRK can decrypt. The device's TPM2_Import undoes both and checks both integrity values.
 */
final class Duplication {
    /** TPM2B_PRIVATE (the duplicate) and TPM2B_ENCRYPTED_SECRET (inSymSeed), each with its u16 size. */
    record Result(byte[] duplicate, byte[] encryptedSeed) {
    }

    private Duplication() {
    }

    static Result wrap(IdentityKey key, byte[] innerWrapKey, TpmPublic srk) {
        srk.requireSha256NameAlg();
        int aesKeyBytes = srk.protectorAesKeyBytes();
        byte[] name = key.name();

        // Inner wrapper: the device passes symmetricAlg {AES, 8*len(innerWrapKey), CFB} to TPM2_Import.
        byte[] innerIntegrity = TpmCrypto.sha256(key.sensitive(), name);
        byte[] encInner = TpmCrypto.aesCfbEncrypt(innerWrapKey,
                new TpmWriter().tpm2b(innerIntegrity).bytes(key.sensitive()).toBytes());

        // Outer wrapper, keyed by a seed RSA-OAEP encrypted to the SRK.
        byte[] seed = TpmCrypto.random(32);
        byte[] encryptedSeed = TpmCrypto.rsaOaepEncrypt(srk.rsaPublicKey(), "DUPLICATE", seed);
        byte[] symKey = Kdfa.derive(seed, "STORAGE", name, null, aesKeyBytes * 8);
        byte[] dupSensitive = TpmCrypto.aesCfbEncrypt(symKey, encInner);
        byte[] hmacKey = Kdfa.derive(seed, "INTEGRITY", null, null, 256);
        byte[] outerHmac = TpmCrypto.hmacSha256(hmacKey, dupSensitive, name);

        byte[] duplicate = new TpmWriter().tpm2b(outerHmac).bytes(dupSensitive).toBytes();
        return new Result(TpmWriter.sized(duplicate), TpmWriter.sized(encryptedSeed));
    }
}
