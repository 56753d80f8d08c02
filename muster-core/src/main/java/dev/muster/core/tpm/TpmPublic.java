package dev.muster.core.tpm;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The public area of a device's RSA endorsement key (EK) or storage root key (SRK) as sent in a TPM registration:
 * a TPM2B_PUBLIC (u16 size ‖ TPMT_PUBLIC, TPM 2.0 Part 2 §12.2). Parsing is generic — attributes, policy, scheme
 * and exponent are read as found, because real TPMs and SDKs use slightly different templates — but only RSA keys
 * of 2048, 3072 or 4096 bits are accepted, since the activation blob is RSA-OAEP encrypted to them.
 */
public final class TpmPublic {
    private static final int MAX_DIGEST_BYTES = 64; // sizeof(TPMU_HA) with SHA-512
    private static final int MAX_RSA_BYTES = 512;   // 4096-bit modulus
    private static final int DEFAULT_EXPONENT = 65537;

    private final String noun;
    private final byte[] tpm2b;
    private final int type;
    private final int nameAlg;
    private final int objectAttributes;
    private final byte[] authPolicy;
    private final int symmetricAlg;
    private final int symmetricKeyBits;
    private final int symmetricMode;
    private final int scheme;
    private final int schemeHashAlg;
    private final int keyBits;
    private final long exponent;
    private final byte[] modulus;
    private final RSAPublicKey rsaPublicKey;

    /** An EK as base64 TPM2B_PUBLIC ({@code tpm.endorsementKey} of a registration or enrollment). */
    public static TpmPublic endorsementKey(String base64) {
        return parse(decode(base64, "endorsement key"), "endorsement key", "EK");
    }

    /** An SRK as base64 TPM2B_PUBLIC ({@code tpm.storageRootKey} of a registration). */
    public static TpmPublic storageRootKey(String base64) {
        return parse(decode(base64, "storage root key"), "storage root key", "SRK");
    }

    public static TpmPublic parseBase64(String base64) {
        return parse(decode(base64, "TPM key"), "TPM key", "key");
    }

    public static TpmPublic parse(byte[] tpm2bPublic) {
        return parse(tpm2bPublic, "TPM key", "key");
    }

    private static TpmPublic parse(byte[] tpm2bPublic, String noun, String abbrev) {
        if (tpm2bPublic == null || tpm2bPublic.length == 0) {
            throw new TpmException(noun + " is missing");
        }
        return new TpmPublic(tpm2bPublic.clone(), noun, abbrev);
    }

    private TpmPublic(byte[] tpm2b, String noun, String abbrev) {
        this.noun = noun;
        this.tpm2b = tpm2b;
        TpmReader in = new TpmReader(tpm2b, noun);
        int size = in.u16("TPM2B_PUBLIC size");
        if (size != in.remaining()) {
            throw new TpmException(String.format("%s: TPM2B_PUBLIC size field says %d bytes but %d follow%s", noun,
                    size, in.remaining(), looksLikeBareTpmtPublic(tpm2b)
                            ? " (this looks like a TPMT_PUBLIC without its 2-byte size; send the TPM2B_PUBLIC)"
                            : " (expected base64 of a TPM2B_PUBLIC: 2-byte size ‖ TPMT_PUBLIC)"));
        }
        type = in.u16("type");
        if (type == TpmAlg.ECC) {
            throw new TpmException(String.format("ECC %ss are not supported; use an RSA-2048 %s", noun, abbrev));
        }
        if (type != TpmAlg.RSA) {
            throw new TpmException(String.format("%s has type %s; only RSA keys are supported, use an RSA-2048 %s",
                    noun, TpmAlg.describe(type), abbrev));
        }
        nameAlg = in.u16("nameAlg");
        objectAttributes = (int) in.u32("objectAttributes");
        authPolicy = in.tpm2b("authPolicy", MAX_DIGEST_BYTES);

        // TPMS_RSA_PARMS: TPMT_SYM_DEF_OBJECT, TPMT_RSA_SCHEME, keyBits, exponent.
        symmetricAlg = in.u16("symmetric algorithm");
        if (symmetricAlg != TpmAlg.NULL) {
            symmetricKeyBits = in.u16("symmetric keyBits");
            symmetricMode = in.u16("symmetric mode");
        } else {
            symmetricKeyBits = 0;
            symmetricMode = TpmAlg.NULL;
        }
        scheme = in.u16("RSA scheme");
        schemeHashAlg = switch (scheme) {
            case TpmAlg.NULL, TpmAlg.RSAES -> TpmAlg.NULL; // no scheme details
            case TpmAlg.RSASSA, TpmAlg.RSAPSS, TpmAlg.OAEP -> in.u16("RSA scheme hashAlg");
            default -> throw new TpmException(noun + " has unknown RSA scheme " + TpmAlg.describe(scheme));
        };
        keyBits = in.u16("RSA keyBits");
        long rawExponent = in.u32("RSA exponent");
        exponent = rawExponent == 0 ? DEFAULT_EXPONENT : rawExponent;
        modulus = in.tpm2b("RSA modulus (unique)", MAX_RSA_BYTES);
        if (in.remaining() != 0) {
            throw new TpmException(String.format("%s has %d unexpected byte(s) after the TPMT_PUBLIC", noun,
                    in.remaining()));
        }

        if (keyBits != 2048 && keyBits != 3072 && keyBits != 4096) {
            throw new TpmException(String.format("RSA-%d %ss are not supported; use an RSA-2048 %s", keyBits, noun,
                    abbrev));
        }
        if (modulus.length * 8 != keyBits || (modulus[0] & 0x80) == 0) {
            throw new TpmException(String.format("%s: the %d-byte modulus does not match keyBits %d", noun,
                    modulus.length, keyBits));
        }
        if ((exponent & 1) == 0 || exponent < 3) {
            throw new TpmException(noun + " has an invalid RSA exponent " + exponent);
        }
        rsaPublicKey = toRsaPublicKey(modulus, exponent, noun);
    }

    private static RSAPublicKey toRsaPublicKey(byte[] modulus, long exponent, String noun) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(new BigInteger(1, modulus), BigInteger.valueOf(exponent)));
        } catch (GeneralSecurityException e) {
            throw new TpmException(noun + " is not a usable RSA public key: " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64, String noun) {
        if (base64 == null || base64.isBlank()) {
            throw new TpmException(noun + " is missing");
        }
        try {
            return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new TpmException(noun + " is not valid base64: " + e.getMessage());
        }
    }

    /** A TPMT_PUBLIC starts with type RSA/ECC then a hash nameAlg; a TPM2B_PUBLIC starts with a size. */
    private static boolean looksLikeBareTpmtPublic(byte[] b) {
        return b.length > 4 && b[0] == 0 && (b[1] == TpmAlg.RSA || b[1] == TpmAlg.ECC) && b[2] == 0
                && (b[3] == TpmAlg.SHA1 || b[3] == TpmAlg.SHA256 || b[3] == TpmAlg.SHA384 || b[3] == TpmAlg.SHA512);
    }

    /** The TPMT_PUBLIC bytes exactly as received (what the Name is computed over). */
    public byte[] marshaledPublicArea() {
        return Arrays.copyOfRange(tpm2b, 2, tpm2b.length);
    }

    /** The TPM2B_PUBLIC bytes exactly as received (what a TPM registration id is derived from). */
    public byte[] tpm2bPublic() {
        return tpm2b.clone();
    }

    /**
     * The TPM Name: u16 nameAlg ‖ H_nameAlg(TPMT_PUBLIC) (Part 1 §16). Only SHA-256 is supported, which is what
     * every EK/SRK template the device SDKs use has.
     */
    public byte[] name() {
        requireSha256NameAlg();
        return new TpmWriter().u16(nameAlg).bytes(TpmCrypto.sha256(marshaledPublicArea())).toBytes();
    }

    void requireSha256NameAlg() {
        if (nameAlg != TpmAlg.SHA256) {
            throw new TpmException(String.format("%s uses name algorithm %s; only %s is supported", noun,
                    TpmAlg.describe(nameAlg), TpmAlg.describe(TpmAlg.SHA256)));
        }
    }

    /**
     * Byte length of the AES key the TPM uses with this key as a protector (MakeCredential against the EK, the
     * outer wrapper of a duplicate under the SRK): such a key must be a storage-type key with AES in CFB mode.
     */
    int protectorAesKeyBytes() {
        if (symmetricAlg != TpmAlg.AES || symmetricMode != TpmAlg.CFB
                || (symmetricKeyBits != 128 && symmetricKeyBits != 256)) {
            throw new TpmException(String.format("%s has symmetric algorithm %s/%d/%s; a restricted decryption key"
                            + " with AES-128 (or AES-256) in CFB mode is required", noun, TpmAlg.describe(symmetricAlg),
                    symmetricKeyBits, TpmAlg.describe(symmetricMode)));
        }
        return symmetricKeyBits / 8;
    }

    /** Same RSA key (modulus and exponent), whatever the rest of the template says. */
    public boolean sameKey(TpmPublic other) {
        return other != null && exponent == other.exponent && Arrays.equals(modulus, other.modulus);
    }

    public RSAPublicKey rsaPublicKey() {
        return rsaPublicKey;
    }

    /** TPM_ALG_ID; always RSA (0x0001) for a parsed key. */
    public int type() {
        return type;
    }

    /** TPM_ALG_ID of the name algorithm, e.g. 0x000B for SHA-256. */
    public int nameAlg() {
        return nameAlg;
    }

    /** TPMA_OBJECT bits, e.g. 0x000300B2 for the standard EK template. */
    public int objectAttributes() {
        return objectAttributes;
    }

    public byte[] authPolicy() {
        return authPolicy.clone();
    }

    /** TPM_ALG_ID of the symmetric algorithm (AES 0x0006), NULL (0x0010) for keys that have none. */
    public int symmetricAlg() {
        return symmetricAlg;
    }

    /** Symmetric key size in bits; 0 if the symmetric algorithm is NULL. */
    public int symmetricKeyBits() {
        return symmetricKeyBits;
    }

    /** TPM_ALG_ID of the symmetric mode (CFB 0x0043), NULL (0x0010) if there is none. */
    public int symmetricMode() {
        return symmetricMode;
    }

    /** TPM_ALG_ID of the RSA scheme; NULL (0x0010) for storage keys. */
    public int scheme() {
        return scheme;
    }

    /** Hash of the RSA scheme, NULL (0x0010) if the scheme carries none. */
    public int schemeHashAlg() {
        return schemeHashAlg;
    }

    public int keyBits() {
        return keyBits;
    }

    /** The effective public exponent: the marshaled 0 already replaced by 65537. */
    public long exponent() {
        return exponent;
    }

    /** The big-endian modulus ({@code unique}). */
    public byte[] modulus() {
        return modulus.clone();
    }

    @Override
    public String toString() {
        return String.format("TpmPublic[RSA-%d, nameAlg %s, attributes 0x%08X]", keyBits, TpmAlg.describe(nameAlg),
                objectAttributes);
    }
}
