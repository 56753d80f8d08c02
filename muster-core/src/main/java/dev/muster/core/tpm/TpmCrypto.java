package dev.muster.core.tpm;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few primitives TPM 2.0 secret sharing uses, all with SHA-256 (the name algorithm of the keys we accept).
 * JDK providers only; every one of these algorithms is mandatory in Java 17, so a missing one is a broken JVM.
 */
final class TpmCrypto {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ZERO_IV = new byte[16];

    private TpmCrypto() {
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] p : parts) {
                mac.update(p);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * AES in CFB mode with a full 128-bit feedback and an all-zero IV: that is how the TPM encrypts credentials and
     * duplication blobs (Part 1 §§24–25). A fixed IV is safe here because every key is freshly derived or random.
     */
    static byte[] aesCfbEncrypt(byte[] key, byte[] plain) {
        try {
            Cipher c = Cipher.getInstance("AES/CFB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ZERO_IV));
            return c.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CFB unavailable", e);
        }
    }

    /**
     * RSA-OAEP as the TPM decrypts secrets: SHA-256 for both the label hash and MGF1, and the label is the ASCII
     * string with its terminating NUL ("IDENTITY\0", "DUPLICATE\0") — without the NUL the TPM refuses the secret.
     */
    static byte[] rsaOaepEncrypt(RSAPublicKey key, String label, byte[] plain) {
        byte[] labelBytes = (label + "\0").getBytes(StandardCharsets.US_ASCII);
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    new PSource.PSpecified(labelBytes)), RANDOM);
            return c.doFinal(plain);
        } catch (InvalidKeyException e) {
            throw new TpmException("RSA public key is unusable: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA/OAEP with SHA-256 unavailable", e);
        }
    }
}
