package dev.muster.core.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activation blob against a real TPM implementation: a swtpm plays the device (reference §6.3) and must
 * import the key, sign with it exactly like software HMAC-SHA256 does, and refuse every blob not made for it.
 */
class TpmActivationRoundTripTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Per test rather than @BeforeAll, so that each skipped test is reported with the reason. */
    @BeforeEach
    void requireSoftwareTpm() {
        SoftwareTpm.assumeInstalled();
    }

    @Test
    void theDeviceTpmImportsTheKeyAndItsHmacEqualsTheServers() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            TpmPublic ek = TpmPublic.parse(keys.ek());
            TpmPublic srk = TpmPublic.parse(keys.srk());
            assertThat(hex(ek.name())).isEqualTo(tpm.name(SoftwareTpm.EK_HANDLE));
            assertThat(hex(srk.name())).isEqualTo(tpm.name(SoftwareTpm.SRK_HANDLE));

            byte[] key = randomKey();
            byte[] blob = ActivationBlob.build(ek, srk, key);
            tpm.activate(blob);

            byte[] toSign = stringToSign(TpmRegistrationId.of(keys.ek()));
            assertThat(tpm.hmac(toSign)).isEqualTo(hmac(key, toSign));
            // The TPM's Name of the imported key is the Name the server bound the duplicate to.
            byte[] part5 = SoftwareTpm.parts(blob).get(4);
            byte[] idPublicArea = Arrays.copyOfRange(part5, 2, part5.length);
            assertThat(tpm.name(SoftwareTpm.ID_KEY_HANDLE)).isEqualTo("000b" + hex(TpmCrypto.sha256(idPublicArea)));
        }
    }

    @Test
    void anSrkWithAes256AlsoWorks() throws Exception {
        // Not what the device SDKs create, but the outer wrapper follows the SRK's own symmetric definition.
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk("rsa2048:null:aes256cfb");
            TpmPublic srk = TpmPublic.parse(keys.srk());
            assertThat(srk.symmetricKeyBits()).isEqualTo(256);
            byte[] key = randomKey();
            tpm.activate(ActivationBlob.build(TpmPublic.parse(keys.ek()), srk, key));
            byte[] toSign = stringToSign("device-3");
            assertThat(tpm.hmac(toSign)).isEqualTo(hmac(key, toSign));
        }
    }

    @Test
    void reactivationReplacesThePersistentKey() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            TpmPublic ek = TpmPublic.parse(keys.ek());
            TpmPublic srk = TpmPublic.parse(keys.srk());
            byte[] challengeKey = randomKey();
            byte[] hubKey = randomKey(64); // the final key is the hub's primaryKey, often 64 bytes
            byte[] toSign = stringToSign("device-1");

            tpm.activate(ActivationBlob.build(ek, srk, challengeKey));
            assertThat(tpm.hmac(toSign)).isEqualTo(hmac(challengeKey, toSign));

            tpm.activate(ActivationBlob.build(ek, srk, hubKey));
            assertThat(tpm.hmac(toSign)).isEqualTo(hmac(hubKey, toSign)).isNotEqualTo(hmac(challengeKey, toSign));
        }
    }

    @Test
    void anImpostorTpmCannotActivateABlobMadeForAnotherTpm() {
        try (SoftwareTpm device = SoftwareTpm.start(); SoftwareTpm impostor = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = device.createEkAndSrk();
            impostor.createEkAndSrk();
            byte[] blob = ActivationBlob.build(TpmPublic.parse(keys.ek()), TpmPublic.parse(keys.srk()), randomKey());

            assertThatThrownBy(() -> impostor.activate(blob))
                    .isInstanceOf(dev.muster.cli.TpmToolsDevice.ToolFailure.class)
                    .hasMessageStartingWith("tpm2_activatecredential failed");
            device.activate(blob); // the same blob is fine for the TPM it was made for
        }
    }

    @Test
    void aBlobWithOneFlippedBitInTheDuplicateIsRefused() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            byte[] key = randomKey();
            byte[] blob = ActivationBlob.build(TpmPublic.parse(keys.ek()), TpmPublic.parse(keys.srk()), key);
            List<byte[]> parts = SoftwareTpm.parts(blob);
            int lastByteOfPart3 = parts.get(0).length + parts.get(1).length + parts.get(2).length - 1;
            byte[] damaged = blob.clone();
            damaged[lastByteOfPart3] ^= 0x01;

            assertThatThrownBy(() -> tpm.activate(damaged))
                    .isInstanceOf(dev.muster.cli.TpmToolsDevice.ToolFailure.class)
                    .hasMessageStartingWith("tpm2_import failed")
                    .hasMessageContaining("parameter(3):integrity check failed"); // TPM_RC_INTEGRITY on duplicate
            // The TPM stays usable and the intact blob still works.
            tpm.activate(blob);
            byte[] toSign = stringToSign("device-2");
            assertThat(tpm.hmac(toSign)).isEqualTo(hmac(key, toSign));
        }
    }

    @Test
    void aBlobForTheEkOfOneTpmAndTheSrkOfAnotherIsRefusedByBoth() {
        try (SoftwareTpm a = SoftwareTpm.start(); SoftwareTpm b = SoftwareTpm.start()) {
            SoftwareTpm.Keys keysA = a.createEkAndSrk();
            SoftwareTpm.Keys keysB = b.createEkAndSrk();
            byte[] mixed = ActivationBlob.build(TpmPublic.parse(keysA.ek()), TpmPublic.parse(keysB.srk()), randomKey());

            // A has the EK but its SRK's Name differs from the one the credential is bound to.
            assertThatThrownBy(() -> a.activate(mixed))
                    .isInstanceOf(dev.muster.cli.TpmToolsDevice.ToolFailure.class)
                    .hasMessageStartingWith("tpm2_activatecredential failed")
                    .hasMessageContaining("parameter(1):integrity check failed"); // TPM_RC_INTEGRITY on credentialBlob
            // B has the SRK but not the EK private key.
            assertThatThrownBy(() -> b.activate(mixed))
                    .isInstanceOf(dev.muster.cli.TpmToolsDevice.ToolFailure.class)
                    .hasMessageStartingWith("tpm2_activatecredential failed");
        }
    }

    private static byte[] randomKey() {
        return randomKey(32);
    }

    private static byte[] randomKey(int length) {
        byte[] k = new byte[length];
        RANDOM.nextBytes(k);
        return k;
    }

    /** A DPS SAS string-to-sign: URL-encoded {idScope}/registrations/{registrationId} ‖ "\n" ‖ expiry. */
    private static byte[] stringToSign(String registrationId) {
        return ("0ne00a1b2c3%2fregistrations%2f" + registrationId + "\n1767225600").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
