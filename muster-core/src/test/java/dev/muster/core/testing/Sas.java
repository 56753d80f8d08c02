package dev.muster.core.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds SAS tokens the way each SDK does (reference §4.1, §4.4), independently of the production signer,
 * so a test can say exactly what went on the wire.
 */
public final class Sas {
    private Sas() {}

    /** base64(HMAC-SHA256(base64decode(key), stringToSign)), computed with the JDK directly. */
    public static String signature(String keyBase64, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(keyBase64), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Percent-encodes everything but unreserved characters, with upper-case hex (encodeURIComponent, quote(safe="")). */
    public static String encodeUpper(String s) {
        return encode(s, "%%%02X");
    }

    /** Percent-encodes with lower-case hex, as c-shared-utility's URL_Encode does. */
    public static String encodeLower(String s) {
        return encode(s, "%%%02x");
    }

    private static String encode(String s, String format) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append(String.format(format, c));
            }
        }
        return out.toString();
    }

    /** Java device SDK 2.x: raw sr, signed raw, {@code skn=} empty (RegisterTask.SASTOKEN_FORMAT). */
    public static String javaDevice(String resource, String keyBase64, long expiry) {
        String sig = signature(keyBase64, resource + "\n" + expiry);
        return "SharedAccessSignature sr=" + resource + "&sig=" + encodeUpper(sig) + "&se=" + expiry + "&skn=";
    }

    /** C SDK symmetric key: sr URL-encoded with lower-case hex and signed in that form, skn=registration. */
    public static String cDevice(String resource, String keyBase64, long expiry) {
        String sr = encodeLower(resource);
        String sig = signature(keyBase64, sr + "\n" + expiry);
        return "SharedAccessSignature sr=" + sr + "&sig=" + encodeLower(sig) + "&se=" + expiry + "&skn=registration";
    }
}
