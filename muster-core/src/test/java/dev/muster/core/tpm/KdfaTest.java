package dev.muster.core.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KdfaTest {
    private static final byte[] KEY = SwtpmVectors.hex("kdfa.key");
    private static final byte[] SRK_NAME = SwtpmVectors.hex("srk.name");

    @Test
    void matchesAnIndependentImplementationForOneBlock() {
        assertThat(Kdfa.derive(KEY, "STORAGE", SRK_NAME, null, 128)).isEqualTo(SwtpmVectors.hex("kdfa.storage128"));
        assertThat(Kdfa.derive(KEY, "INTEGRITY", null, null, 256)).isEqualTo(SwtpmVectors.hex("kdfa.integrity256"));
    }

    @Test
    void matchesAnIndependentImplementationOverSeveralBlocksWithBothContexts() {
        assertThat(Kdfa.derive(KEY, "TEST", new byte[] {1, 2}, new byte[] {3, 4, 5}, 600))
                .isEqualTo(SwtpmVectors.hex("kdfa.test600"));
    }

    @Test
    void masksTheHighBitsWhenTheLengthIsNotWholeBytes() {
        assertThat(Kdfa.derive(KEY, "ODD", null, null, 13)).isEqualTo(SwtpmVectors.hex("kdfa.odd13"));
    }

    @Test
    void addsTheLabelTerminatorOnlyOnceAndTreatsNullContextsAsEmpty() {
        assertThat(Kdfa.derive(KEY, "STORAGE\0", SRK_NAME, new byte[0], 128))
                .isEqualTo(Kdfa.derive(KEY, "STORAGE", SRK_NAME, null, 128));
        assertThatThrownBy(() -> Kdfa.derive(KEY, "STORAGE", null, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The strongest check: the software TPM itself ran TPM2_MakeCredential (swtpm-vectors.properties). With the
     * test key's private part we recover the TPM's random seed; then the keys Kdfa derives from it must verify
     * the TPM's integrity HMAC and decrypt the TPM's credential, so Kdfa equals the TPM's KDFa.
     */
    @Test
    void derivesTheSameKeysAsTheSoftwareTpmsMakeCredential() throws Exception {
        byte[] out = SwtpmVectors.base64("makeCredential.output");
        byte[] name = SwtpmVectors.hex("makeCredential.objectName");
        TpmReader in = new TpmReader(out, "tpm2_makecredential output");
        assertThat(HexFormat.of().formatHex(in.bytes(8, "header"))).isEqualTo("badcc0de00000001");
        TpmReader idObject = new TpmReader(in.tpm2b("TPM2B_ID_OBJECT", 1024), "TPMS_ID_OBJECT");
        byte[] encryptedSeed = in.tpm2b("TPM2B_ENCRYPTED_SECRET", 512);
        byte[] integrity = idObject.tpm2b("integrityHMAC", 64);
        byte[] encIdentity = idObject.bytes(idObject.remaining(), "encIdentity");

        byte[] seed = oaepDecrypt(encryptedSeed, "IDENTITY\0");
        byte[] hmacKey = Kdfa.derive(seed, "INTEGRITY", null, null, 256);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
        mac.update(encIdentity);
        assertThat(mac.doFinal(name)).isEqualTo(integrity);

        byte[] symKey = Kdfa.derive(seed, "STORAGE", name, null, 128);
        Cipher aes = Cipher.getInstance("AES/CFB/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(symKey, "AES"), new IvParameterSpec(new byte[16]));
        byte[] credential = aes.doFinal(encIdentity);
        assertThat(Arrays.copyOfRange(credential, 0, 2)).containsExactly(0, 16);
        assertThat(Arrays.copyOfRange(credential, 2, credential.length))
                .isEqualTo(SwtpmVectors.hex("makeCredential.credential"));
    }

    private static byte[] oaepDecrypt(byte[] ciphertext, String label) throws Exception {
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getDecoder().decode(SwtpmVectors.text("makeCredential.testOnlyPkcs8PrivateKey"))));
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified(label.getBytes(StandardCharsets.US_ASCII))));
        return rsa.doFinal(ciphertext);
    }
}
