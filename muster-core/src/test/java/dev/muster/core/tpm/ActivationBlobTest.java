package dev.muster.core.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Layout and contents of the activation blob without a TPM (TpmActivationRoundTripTest does it with one). The
 * last test plays the device in software, with a test key whose private part we hold standing in for EK and SRK.
 */
class ActivationBlobTest {
    private static final TpmPublic EK = TpmPublic.parse(TpmPublicTest.EK);
    private static final TpmPublic SRK = TpmPublic.parse(TpmPublicTest.SRK);
    private static final byte[] KEY = "Muster TPM activation test key 1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void hasTheSixPartsOfTheDpsLayout() {
        List<byte[]> parts = ActivationBlob.parts(ActivationBlob.build(EK, SRK, KEY));

        assertThat(parts.get(0)).hasSize(2 + 2 + 32 + 2 + 16);    // TPM2B_ID_OBJECT: HMAC ‖ enc(u16 16 ‖ innerWrapKey)
        assertThat(parts.get(1)).hasSize(2 + 256);                // RSA-2048 OAEP to the EK
        assertThat(parts.get(2)).hasSize(2 + 2 + 32 + 2 + 32 + 2 + 2 + 2 + 34 + 34); // outer HMAC ‖ enc(inner ‖ sens)
        assertThat(parts.get(3)).hasSize(2 + 256);                // RSA-2048 OAEP to the SRK
        assertThat(parts.get(5)).hasSize(2 + ActivationBlob.URI_DATA.length());
    }

    @Test
    void theIdentityKeyIsAnHmacSha256KeyedHashObject() {
        byte[] part5 = ActivationBlob.parts(ActivationBlob.build(EK, SRK, KEY)).get(4);
        TpmReader in = new TpmReader(part5, "part 5");
        assertThat(in.u16("size")).isEqualTo(part5.length - 2);
        assertThat(in.u16("type")).isEqualTo(0x0008);          // KEYEDHASH
        assertThat(in.u16("nameAlg")).isEqualTo(0x000B);       // SHA256
        assertThat(in.u32("objectAttributes")).isEqualTo(0x00040440L); // sign|noDA|userWithAuth, no fixedTPM/Parent
        // PolicyCommandCode(TPM_CC_Duplicate) as a TPM trial session computed it.
        assertThat(in.tpm2b("authPolicy", 64)).isEqualTo(SwtpmVectors.hex("policyCommandCodeDuplicate"));
        assertThat(in.u16("scheme")).isEqualTo(0x0005);        // HMAC
        assertThat(in.u16("scheme hash")).isEqualTo(0x000B);   // SHA256, so TPM2_HMAC with hashAlg NULL works
        assertThat(in.tpm2b("unique", 64)).hasSize(32);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void everyBlobUsesFreshSeeds() {
        List<byte[]> a = ActivationBlob.parts(ActivationBlob.build(EK, SRK, KEY));
        List<byte[]> b = ActivationBlob.parts(ActivationBlob.build(EK, SRK, KEY));
        for (int i = 0; i < 6; i++) {
            assertThat(a.get(i)).as("part %d", i + 1).isNotEqualTo(b.get(i));
        }
    }

    @Test
    void base64IsTheSameLayout() {
        byte[] decoded = Base64.getDecoder().decode(ActivationBlob.buildBase64(EK, SRK, KEY));
        assertThat(ActivationBlob.parts(decoded)).hasSize(6);
    }

    @Test
    void refusesKeysItCannotDeliver() {
        assertThatThrownBy(() -> ActivationBlob.build(EK, SRK, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ActivationBlob.build(EK, SRK, new byte[129])).isInstanceOf(IllegalArgumentException.class);
        assertThat(ActivationBlob.build(EK, SRK, new byte[128])).isNotEmpty();
    }

    @Test
    void refusesProtectorsThatAreNotAesCfbStorageKeys() {
        TpmPublic noSymmetric = TpmPublic.parse(TpmPublicTest.splice(TpmPublicTest.EK, TpmPublicTest.EK_SYMMETRIC, 6,
                new byte[] {0x00, 0x10}));
        assertThatThrownBy(() -> ActivationBlob.build(noSymmetric, SRK, KEY)).isInstanceOf(TpmException.class)
                .hasMessageContaining("AES-128 (or AES-256) in CFB mode is required");
        byte[] sha1 = TpmPublicTest.EK.clone();
        sha1[TpmPublicTest.EK_NAME_ALG + 1] = 0x04;
        assertThatThrownBy(() -> ActivationBlob.build(TpmPublic.parse(sha1), SRK, KEY))
                .isInstanceOf(TpmException.class).hasMessageContaining("only SHA256");
        assertThatThrownBy(() -> ActivationBlob.build(EK, TpmPublic.parse(sha1), KEY))
                .isInstanceOf(TpmException.class).hasMessageContaining("only SHA256");
    }

    /** ActivateCredential and Import done in software, step by step as the TPM does them (Part 1 §§23–24). */
    @Test
    void aSoftwareDeviceHoldingThePrivateKeysRecoversTheKey() throws Exception {
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(
                new PKCS8EncodedKeySpec(SwtpmVectors.base64("makeCredential.testOnlyPkcs8PrivateKey")));
        byte[] modulus = Arrays.copyOfRange(privateKey.getModulus().toByteArray(), 1, 257); // drop the sign byte
        byte[] template = TpmPublicTest.EK.clone();
        System.arraycopy(modulus, 0, template, 60, 256);
        TpmPublic testKey = TpmPublic.parse(template); // serves as EK and as SRK
        byte[] srkName = testKey.name();

        List<byte[]> parts = ActivationBlob.parts(ActivationBlob.build(testKey, testKey, KEY));

        // ActivateCredential: seed from part 2, check part 1's HMAC against Name(SRK), decrypt the inner key.
        byte[] credSeed = oaepDecrypt(privateKey, body(parts.get(1)), "IDENTITY\0");
        TpmReader idObject = new TpmReader(body(parts.get(0)), "part 1");
        byte[] integrity = idObject.tpm2b("integrityHMAC", 64);
        byte[] encIdentity = idObject.bytes(idObject.remaining(), "encIdentity");
        assertThat(TpmCrypto.hmacSha256(Kdfa.derive(credSeed, "INTEGRITY", null, null, 256), encIdentity, srkName))
                .isEqualTo(integrity);
        byte[] credential = aesCfbDecrypt(Kdfa.derive(credSeed, "STORAGE", srkName, null, 128), encIdentity);
        byte[] innerWrapKey = new TpmReader(credential, "credential").tpm2b("innerWrapKey", 64);
        assertThat(innerWrapKey).hasSize(16);

        // Part 6 is the "URI data", under the inner key.
        assertThat(new String(aesCfbDecrypt(innerWrapKey, body(parts.get(5))), StandardCharsets.UTF_8))
                .isEqualTo("muster");

        // Import: outer wrapper from part 4's seed and Name(id key), then the inner wrapper.
        byte[] idPublic = body(parts.get(4));
        byte[] idName = concat(new byte[] {0x00, 0x0B}, TpmCrypto.sha256(idPublic));
        byte[] dupSeed = oaepDecrypt(privateKey, body(parts.get(3)), "DUPLICATE\0");
        TpmReader duplicate = new TpmReader(body(parts.get(2)), "part 3");
        byte[] outerHmac = duplicate.tpm2b("outerHMAC", 64);
        byte[] dupSensitive = duplicate.bytes(duplicate.remaining(), "dupSensitive");
        assertThat(TpmCrypto.hmacSha256(Kdfa.derive(dupSeed, "INTEGRITY", null, null, 256), dupSensitive, idName))
                .isEqualTo(outerHmac);
        byte[] encInner = aesCfbDecrypt(Kdfa.derive(dupSeed, "STORAGE", idName, null, 128), dupSensitive);
        TpmReader inner = new TpmReader(aesCfbDecrypt(innerWrapKey, encInner), "inner");
        byte[] innerIntegrity = inner.tpm2b("innerIntegrity", 64);
        byte[] sensitive = inner.bytes(inner.remaining(), "TPM2B_SENSITIVE");
        assertThat(TpmCrypto.sha256(sensitive, idName)).isEqualTo(innerIntegrity);

        TpmReader s = new TpmReader(sensitive, "TPM2B_SENSITIVE");
        assertThat(s.u16("size")).isEqualTo(sensitive.length - 2);
        assertThat(s.u16("sensitiveType")).isEqualTo(0x0008);
        assertThat(s.tpm2b("authValue", 64)).isEmpty();
        byte[] seedValue = s.tpm2b("seedValue", 64);
        assertThat(s.tpm2b("key", 128)).isEqualTo(KEY);
        // unique binds public to sensitive: the last 32 bytes of the public area.
        assertThat(Arrays.copyOfRange(idPublic, idPublic.length - 32, idPublic.length))
                .isEqualTo(TpmCrypto.sha256(seedValue, KEY));
    }

    private static byte[] body(byte[] tpm2b) {
        return Arrays.copyOfRange(tpm2b, 2, tpm2b.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] oaepDecrypt(RSAPrivateCrtKey key, byte[] ciphertext, String label) throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified(label.getBytes(StandardCharsets.US_ASCII))));
        return rsa.doFinal(ciphertext);
    }

    private static byte[] aesCfbDecrypt(byte[] key, byte[] data) throws Exception {
        Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[16]));
        return aes.doFinal(data);
    }
}
