package dev.muster.cli.bench;

import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.Hmac;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Device credentials of symmetric-key attestation, computed the way the Azure device SDKs compute them. */
public final class DeviceSas {
    private DeviceSas() {}

    /** The key of a device in a symmetric-key enrollment group: base64 HMAC-SHA256(group key, registration ID). */
    public static String derivedKey(String groupKey, String registrationId) {
        return DerivedKey.of(groupKey, registrationId);
    }

    /** The DPS registration token (resource {@code {idScope}/registrations/{id}}, URL-encoded and signed encoded). */
    public static String token(String idScope, String registrationId, String deviceKey, long expiryEpochSeconds) {
        String sr = URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8);
        byte[] sig = Hmac.sha256(Base64.getDecoder().decode(deviceKey),
                (sr + "\n" + expiryEpochSeconds).getBytes(StandardCharsets.UTF_8));
        return "SharedAccessSignature sr=" + sr + "&sig="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8)
                + "&se=" + expiryEpochSeconds + "&skn=registration";
    }
}
