package dev.muster.core.sas;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Per-device key of a symmetric-key enrollment group (reference §4.2). */
public final class DerivedKey {
    private DerivedKey() {}

    public static String of(String groupKeyBase64, String registrationId) {
        return Base64.getEncoder().encodeToString(
                Hmac.sha256(Base64.getDecoder().decode(groupKeyBase64), registrationId.getBytes(StandardCharsets.UTF_8)));
    }
}
