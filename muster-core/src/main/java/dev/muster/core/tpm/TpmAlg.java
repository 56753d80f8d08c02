package dev.muster.core.tpm;

/** TPM_ALG_ID values (TPM 2.0 Part 2 §6.3) that occur in the structures this package reads or writes. */
final class TpmAlg {
    static final int RSA = 0x0001;
    static final int SHA1 = 0x0004;
    static final int HMAC = 0x0005;
    static final int AES = 0x0006;
    static final int KEYEDHASH = 0x0008;
    static final int XOR = 0x000A;
    static final int SHA256 = 0x000B;
    static final int SHA384 = 0x000C;
    static final int SHA512 = 0x000D;
    static final int NULL = 0x0010;
    static final int SM3_256 = 0x0012;
    static final int SM4 = 0x0013;
    static final int RSASSA = 0x0014;
    static final int RSAES = 0x0015;
    static final int RSAPSS = 0x0016;
    static final int OAEP = 0x0017;
    static final int ECC = 0x0023;
    static final int SYMCIPHER = 0x0025;
    static final int CAMELLIA = 0x0026;
    static final int CFB = 0x0043;

    private TpmAlg() {
    }

    /** "SHA256 (0x000B)" style, so error messages name the algorithm a device owner will recognise. */
    static String describe(int alg) {
        String name = switch (alg) {
            case RSA -> "RSA";
            case SHA1 -> "SHA1";
            case HMAC -> "HMAC";
            case AES -> "AES";
            case KEYEDHASH -> "KEYEDHASH";
            case XOR -> "XOR";
            case SHA256 -> "SHA256";
            case SHA384 -> "SHA384";
            case SHA512 -> "SHA512";
            case NULL -> "NULL";
            case SM3_256 -> "SM3_256";
            case SM4 -> "SM4";
            case RSASSA -> "RSASSA";
            case RSAES -> "RSAES";
            case RSAPSS -> "RSAPSS";
            case OAEP -> "OAEP";
            case ECC -> "ECC";
            case SYMCIPHER -> "SYMCIPHER";
            case CAMELLIA -> "CAMELLIA";
            case CFB -> "CFB";
            default -> "unknown algorithm";
        };
        return String.format("%s (0x%04X)", name, alg);
    }
}
