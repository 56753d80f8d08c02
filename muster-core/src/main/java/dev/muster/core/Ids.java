package dev.muster.core;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** Random identifiers, keys and etags in the forms Azure uses. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** 64 random bytes, base64: what DPS generates when an enrollment omits its keys. */
    public static String symmetricKey() {
        return Base64.getEncoder().encodeToString(randomBytes(64));
    }

    /** Shared access policy keys: 32 random bytes, base64 (Azure's policy key size). */
    public static String policyKey() {
        return Base64.getEncoder().encodeToString(randomBytes(32));
    }

    /** An opaque etag; Azure's are base64 of a quoted GUID-like value. */
    public static String etag() {
        return Base64.getEncoder().encodeToString(("\"" + UUID.randomUUID() + "\"").getBytes());
    }

    /** ID scope in Azure's form: "0ne" followed by eight upper-case hex digits. */
    public static String idScope() {
        return "0ne" + HexFormat.of().withUpperCase().formatHex(randomBytes(4));
    }

    public static String trackingId() {
        return UUID.randomUUID().toString();
    }
}
