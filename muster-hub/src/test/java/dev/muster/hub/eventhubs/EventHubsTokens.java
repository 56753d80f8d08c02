package dev.muster.hub.eventhubs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Tokens signed as the Event Hubs SDKs sign them: the key's text as the HMAC key, the audience URL-encoded. */
final class EventHubsTokens {
    private EventHubsTokens() {}

    static String sign(String audience, String key, String keyName, long expiry) {
        try {
            String sr = URLEncoder.encode(audience, StandardCharsets.UTF_8);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String sig = Base64.getEncoder().encodeToString(
                    mac.doFinal((sr + "\n" + expiry).getBytes(StandardCharsets.UTF_8)));
            return "SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(sig, StandardCharsets.UTF_8)
                    + "&se=" + expiry + "&skn=" + keyName;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
