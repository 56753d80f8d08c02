package dev.muster.core.sas;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds SAS tokens, for Muster's own clients (CLI, hub client) — the server side only verifies. */
public final class SasSigner {
    private SasSigner() {}

    /** Token with the resource URL-encoded and signed in encoded form (as the docs sample and the C SDK do). */
    public static String sign(String resource, String keyBase64, String keyName, long expiryEpochSeconds) {
        String sr = URLEncoder.encode(resource, StandardCharsets.UTF_8);
        byte[] sig = Hmac.sha256(Base64.getDecoder().decode(keyBase64),
                (sr + "\n" + expiryEpochSeconds).getBytes(StandardCharsets.UTF_8));
        String token = "SharedAccessSignature sr=" + sr
                + "&sig=" + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8)
                + "&se=" + expiryEpochSeconds;
        return keyName == null ? token : token + "&skn=" + URLEncoder.encode(keyName, StandardCharsets.UTF_8);
    }
}
