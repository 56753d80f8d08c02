package dev.muster.core.tpm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code authenticationKey} of a DPS TPM challenge: an HMAC key delivered so that only the TPM with the
 * presented EK and SRK can import it (reference §6.2, §6.5). Six TPM2B parts, concatenated:
 * <ol>
 * <li>TPM2B_ID_OBJECT — MakeCredential(EK, Name(SRK), innerWrapKey) credential blob</li>
 * <li>TPM2B_ENCRYPTED_SECRET — its seed, RSA-OAEP to the EK</li>
 * <li>TPM2B_PRIVATE — the identity key duplicated to the SRK (inner wrapper under innerWrapKey)</li>
 * <li>TPM2B_ENCRYPTED_SECRET — the duplication seed, RSA-OAEP to the SRK</li>
 * <li>TPM2B_PUBLIC — the identity key's public area</li>
 * <li>TPM2B_DATA — "encrypted URI data": AES-128-CFB(innerWrapKey, IV 0, {@value #URI_DATA})</li>
 * </ol>
 * The C and Node SDKs skip part 6, but the Java SDK unmarshals it and decrypts it with TPM2_EncryptDecrypt2 (then
 * discards the result), so it is present and not empty: a zero-length input to that command is a needless risk
 * on real TPMs.
 * Every call uses fresh random seeds and a fresh inner key, so two blobs for the same key differ.
 */
public final class ActivationBlob {
    static final String URI_DATA = "muster";
    private static final int INNER_WRAP_KEY_BYTES = 16; // AES-128, the size the device SDKs expect

    private ActivationBlob() {
    }

    /**
     * @param ek      the device's endorsement key
     * @param srk     the device's storage root key (the identity key's new parent)
     * @param hmacKey the raw key the device will sign with (1–128 bytes; the server keeps a copy to verify)
     * @throws TpmException if the EK or SRK cannot protect it (not SHA-256 named, not AES-CFB storage keys)
     * @throws IllegalArgumentException if the key is empty or longer than a TPM's 128-byte limit
     */
    public static byte[] build(TpmPublic ek, TpmPublic srk, byte[] hmacKey) {
        IdentityKey identity = IdentityKey.hmacSha256(hmacKey);
        byte[] innerWrapKey = TpmCrypto.random(INNER_WRAP_KEY_BYTES);

        // ActivateCredential runs with the SRK as the activated object, so the credential is bound to its Name.
        MakeCredential.Result credential = MakeCredential.make(ek, srk.name(), innerWrapKey);
        Duplication.Result duplicate = Duplication.wrap(identity, innerWrapKey, srk);
        byte[] uriData = TpmCrypto.aesCfbEncrypt(innerWrapKey, URI_DATA.getBytes(StandardCharsets.UTF_8));

        return new TpmWriter()
                .bytes(credential.credentialBlob())
                .bytes(credential.secret())
                .bytes(duplicate.duplicate())
                .bytes(duplicate.encryptedSeed())
                .tpm2b(identity.publicArea())
                .tpm2b(uriData)
                .toBytes();
    }

    /** {@link #build} as the base64 string that goes into {@code authenticationKey}. */
    public static String buildBase64(TpmPublic ek, TpmPublic srk, byte[] hmacKey) {
        return Base64.getEncoder().encodeToString(build(ek, srk, hmacKey));
    }

    /** Splits a blob into its six size-prefixed TPM2B parts (each with its 2-byte size), as a device does. */
    public static java.util.List<byte[]> parts(byte[] blob) {
        java.util.List<byte[]> parts = new java.util.ArrayList<>();
        int pos = 0;
        for (int i = 0; i < 6; i++) {
            if (pos + 2 > blob.length) {
                throw new TpmException("the activation blob ends before part " + (i + 1));
            }
            int size = ((blob[pos] & 0xFF) << 8) | (blob[pos + 1] & 0xFF);
            if (pos + 2 + size > blob.length) {
                throw new TpmException("part " + (i + 1) + " of the activation blob is truncated");
            }
            parts.add(java.util.Arrays.copyOfRange(blob, pos, pos + 2 + size));
            pos += 2 + size;
        }
        if (pos != blob.length) {
            throw new TpmException((blob.length - pos) + " bytes follow part 6 of the activation blob");
        }
        return parts;
    }
}
