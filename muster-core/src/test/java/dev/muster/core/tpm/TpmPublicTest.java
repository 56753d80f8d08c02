package dev.muster.core.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TpmPublicTest {
    static final byte[] EK = SwtpmVectors.base64("ek.tpm2bPublic");
    static final byte[] SRK = SwtpmVectors.base64("srk.tpm2bPublic");
    // Offsets in the swtpm EK's TPM2B_PUBLIC (size 2, type 2, nameAlg 2, attributes 4, authPolicy 2+32, …).
    static final int EK_NAME_ALG = 4;
    static final int EK_SYMMETRIC = 44;
    static final int EK_SCHEME = 50;
    static final int EK_KEY_BITS = 52;
    static final int EK_EXPONENT = 54;

    @Test
    void parsesTheSoftwareTpmEndorsementKey() {
        TpmPublic ek = TpmPublic.endorsementKey(SwtpmVectors.text("ek.tpm2bPublic"));

        assertThat(ek.type()).isEqualTo(0x0001);
        assertThat(ek.nameAlg()).isEqualTo(0x000B);
        // restricted|decrypt|fixedTPM|fixedParent|adminWithPolicy|sensitiveDataOrigin
        assertThat(ek.objectAttributes()).isEqualTo(0x000300B2);
        assertThat(HexFormat.of().formatHex(ek.authPolicy()))
                .isEqualTo("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");
        assertThat(ek.symmetricAlg()).isEqualTo(0x0006);
        assertThat(ek.symmetricKeyBits()).isEqualTo(128);
        assertThat(ek.symmetricMode()).isEqualTo(0x0043);
        assertThat(ek.scheme()).isEqualTo(0x0010);
        assertThat(ek.schemeHashAlg()).isEqualTo(0x0010);
        assertThat(ek.keyBits()).isEqualTo(2048);
        assertThat(ek.exponent()).isEqualTo(65537); // marshaled as 0
        assertThat(ek.modulus()).hasSize(256).startsWith(0xD8, 0xF4, 0x1C, 0xF9);
        assertThat(ek.marshaledPublicArea()).isEqualTo(Arrays.copyOfRange(EK, 2, EK.length));
        assertThat(ek.tpm2bPublic()).isEqualTo(EK);
    }

    @Test
    void parsesTheSoftwareTpmStorageRootKey() {
        TpmPublic srk = TpmPublic.storageRootKey(SwtpmVectors.text("srk.tpm2bPublic"));

        // restricted|decrypt|fixedTPM|fixedParent|noDA|userWithAuth|sensitiveDataOrigin
        assertThat(srk.objectAttributes()).isEqualTo(0x00030472);
        assertThat(srk.authPolicy()).isEmpty();
        assertThat(srk.symmetricKeyBits()).isEqualTo(128);
        assertThat(srk.keyBits()).isEqualTo(2048);
        assertThat(srk.modulus()).hasSize(256).startsWith(0xFD, 0x15, 0xB9, 0x28);
        assertThat(srk.sameKey(TpmPublic.parse(EK))).isFalse();
    }

    @Test
    void namesAreWhatTheSoftwareTpmReports() {
        assertThat(HexFormat.of().formatHex(TpmPublic.parse(EK).name())).isEqualTo(SwtpmVectors.text("ek.name"));
        assertThat(HexFormat.of().formatHex(TpmPublic.parse(SRK).name())).isEqualTo(SwtpmVectors.text("srk.name"));
    }

    @Test
    void givesAJdkRsaKey() {
        TpmPublic ek = TpmPublic.parse(EK);
        assertThat(ek.rsaPublicKey().getModulus()).isEqualTo(new BigInteger(1, ek.modulus()));
        assertThat(ek.rsaPublicKey().getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
    }

    @Test
    void refusesAnEccEndorsementKeyWithAClearMessage() {
        String ecc = SwtpmVectors.text("eccEk.tpm2bPublic");
        assertThatThrownBy(() -> TpmPublic.endorsementKey(ecc))
                .isInstanceOf(TpmException.class)
                .hasMessage("ECC endorsement keys are not supported; use an RSA-2048 EK");
        assertThatThrownBy(() -> TpmPublic.storageRootKey(ecc))
                .hasMessage("ECC storage root keys are not supported; use an RSA-2048 SRK");
    }

    @Test
    void refusesOtherKeyTypes() {
        byte[] keyedHash = EK.clone();
        keyedHash[3] = 0x08;
        assertThatThrownBy(() -> TpmPublic.parse(keyedHash))
                .isInstanceOf(TpmException.class)
                .hasMessageContaining("KEYEDHASH (0x0008)").hasMessageContaining("only RSA keys are supported");
    }

    @Test
    void refusesSmallRsaKeys() {
        byte[] rsa1024 = EK.clone();
        rsa1024[EK_KEY_BITS] = 0x04;
        assertThatThrownBy(() -> TpmPublic.endorsementKey(Base64.getEncoder().encodeToString(rsa1024)))
                .isInstanceOf(TpmException.class)
                .hasMessage("RSA-1024 endorsement keys are not supported; use an RSA-2048 EK");
    }

    @Test
    void refusesEveryTruncationWithATpmExceptionNeverAnIndexError() {
        for (int cut = 0; cut < EK.length; cut++) {
            byte[] prefix = Arrays.copyOf(EK, cut);
            assertThat(catchThrowable(() -> TpmPublic.parse(prefix))).as("cut at %d", cut)
                    .isInstanceOf(TpmException.class);
            if (cut >= 2) {
                // Same, but with a consistent size field, so the TPMT_PUBLIC reader itself meets the end.
                byte[] sized = withSize(Arrays.copyOfRange(EK, 2, cut));
                assertThat(catchThrowable(() -> TpmPublic.parse(sized)))
                        .as("TPMT_PUBLIC cut at %d", cut)
                        .isInstanceOf(TpmException.class).hasMessageContaining("truncated");
            }
        }
        assertThatThrownBy(() -> TpmPublic.parse(Arrays.copyOf(EK, 100)))
                .hasMessageContaining("size field says 314 bytes but 98 follow");
        assertThatThrownBy(() -> TpmPublic.parse(withSize(Arrays.copyOfRange(EK, 2, 100))))
                .hasMessage("TPM key is truncated: RSA modulus (unique) needs 256 byte(s) at offset 60 but only 40 left");
    }

    @Test
    void refusesGarbageWithATpmException() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(400)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length >= 4) { // half of them with a plausible size field
                garbage[0] = (byte) ((garbage.length - 2) >>> 8);
                garbage[1] = (byte) (garbage.length - 2);
                garbage[3] = 0x01; // and type RSA, to get deeper
                garbage[2] = 0;
            }
            byte[] input = garbage;
            assertThat(catchThrowable(() -> TpmPublic.parse(input))).isInstanceOf(TpmException.class);
        }
    }

    @Test
    void refusesBadEncodingsWithUsefulMessages() {
        assertThatThrownBy(() -> TpmPublic.endorsementKey("not base64!")).isInstanceOf(TpmException.class)
                .hasMessageStartingWith("endorsement key is not valid base64");
        assertThatThrownBy(() -> TpmPublic.endorsementKey(" ")).hasMessage("endorsement key is missing");
        assertThatThrownBy(() -> TpmPublic.parse(new byte[0])).hasMessage("TPM key is missing");
        assertThatThrownBy(() -> TpmPublic.parse(Arrays.copyOfRange(EK, 2, EK.length)))
                .hasMessageContaining("looks like a TPMT_PUBLIC without its 2-byte size");
        byte[] trailing = withSize(Arrays.copyOfRange(Arrays.copyOf(EK, EK.length + 3), 2, EK.length + 3));
        assertThatThrownBy(() -> TpmPublic.parse(trailing)).hasMessageContaining("3 unexpected byte(s)");
        byte[] hugePolicy = EK.clone();
        hugePolicy[10] = 0x01; // authPolicy size 0x0120
        assertThatThrownBy(() -> TpmPublic.parse(hugePolicy)).hasMessageContaining("authPolicy has size 288");
    }

    @Test
    void whitespaceInBase64IsTolerated() {
        String b64 = SwtpmVectors.text("ek.tpm2bPublic");
        String wrapped = b64.substring(0, 76) + "\r\n" + b64.substring(76);
        assertThat(TpmPublic.endorsementKey(wrapped).tpm2bPublic()).isEqualTo(EK);
    }

    @Test
    void nameNeedsSha256AsNameAlgorithm() {
        byte[] sha1 = EK.clone();
        sha1[EK_NAME_ALG + 1] = 0x04;
        TpmPublic ek = TpmPublic.endorsementKey(Base64.getEncoder().encodeToString(sha1));
        assertThat(ek.nameAlg()).isEqualTo(0x0004);
        assertThatThrownBy(ek::name).isInstanceOf(TpmException.class)
                .hasMessage("endorsement key uses name algorithm SHA1 (0x0004); only SHA256 (0x000B) is supported");
    }

    @Test
    void toleratesTemplateDifferences() {
        byte[] explicitExponent = EK.clone();
        explicitExponent[EK_EXPONENT + 1] = 0x01;
        explicitExponent[EK_EXPONENT + 3] = 0x01;
        TpmPublic withExponent = TpmPublic.parse(explicitExponent);
        assertThat(withExponent.exponent()).isEqualTo(65537);
        assertThat(withExponent.sameKey(TpmPublic.parse(EK))).isTrue();
        assertThat(withExponent.name()).isNotEqualTo(TpmPublic.parse(EK).name()); // the Name covers the bytes

        TpmPublic oaep = TpmPublic.parse(splice(EK, EK_SCHEME, 2, new byte[] {0x00, 0x17, 0x00, 0x0B}));
        assertThat(oaep.scheme()).isEqualTo(0x0017);
        assertThat(oaep.schemeHashAlg()).isEqualTo(0x000B);
        assertThat(oaep.keyBits()).isEqualTo(2048);

        TpmPublic noSymmetric = TpmPublic.parse(splice(EK, EK_SYMMETRIC, 6, new byte[] {0x00, 0x10}));
        assertThat(noSymmetric.symmetricAlg()).isEqualTo(0x0010);
        assertThat(noSymmetric.symmetricKeyBits()).isZero();
        assertThat(noSymmetric.sameKey(TpmPublic.parse(EK))).isTrue();
    }

    /** TPM2B_PUBLIC around a TPMT_PUBLIC. */
    static byte[] withSize(byte[] tpmtPublic) {
        byte[] out = new byte[tpmtPublic.length + 2];
        out[0] = (byte) (tpmtPublic.length >>> 8);
        out[1] = (byte) tpmtPublic.length;
        System.arraycopy(tpmtPublic, 0, out, 2, tpmtPublic.length);
        return out;
    }

    /** Replaces {@code length} bytes of a TPM2B_PUBLIC at {@code offset} and fixes its size field. */
    static byte[] splice(byte[] tpm2b, int offset, int length, byte[] replacement) {
        byte[] body = new byte[tpm2b.length - 2 - length + replacement.length];
        System.arraycopy(tpm2b, 2, body, 0, offset - 2);
        System.arraycopy(replacement, 0, body, offset - 2, replacement.length);
        System.arraycopy(tpm2b, offset + length, body, offset - 2 + replacement.length, tpm2b.length - offset - length);
        return withSize(body);
    }
}
