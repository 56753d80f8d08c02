package dev.muster.it;

import dev.muster.core.sas.Hmac;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Speaks the DPS device HTTPS protocol byte by byte, as a script or another SDK would. */
final class RawDevice {
    private final HttpClient http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust())
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Token as the Java SDK builds it: raw sr, empty skn. */
    static String javaStyleToken(String idScope, String registrationId, String key, long expiry) {
        String sr = idScope + "/registrations/" + registrationId;
        return "SharedAccessSignature sr=" + sr + "&sig=" + sign(sr, key, expiry) + "&se=" + expiry + "&skn=";
    }

    /** Token as the C SDK builds it: sr URL-encoded with lower-case hex, signed encoded, skn=registration. */
    static String cStyleToken(String idScope, String registrationId, String key, long expiry) {
        String sr = URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8)
                .replace("%2F", "%2f");
        return "SharedAccessSignature sr=" + sr + "&sig=" + sign(sr, key, expiry) + "&se=" + expiry + "&skn=registration";
    }

    /** Token as Python builds it: sr quote()d with upper-case hex, no skn, fields in another order. */
    static String pythonStyleToken(String idScope, String registrationId, String key, long expiry) {
        String sr = URLEncoder.encode(idScope + "/registrations/" + registrationId, StandardCharsets.UTF_8);
        return "SharedAccessSignature se=" + expiry + "&sig=" + sign(sr, key, expiry) + "&sr=" + sr;
    }

    static String sign(String sr, String key, long expiry) {
        byte[] mac = Hmac.sha256(Base64.getDecoder().decode(key), (sr + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
        return URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
    }

    static long inAnHour() {
        return Instant.now().getEpochSecond() + 3600;
    }

    HttpResponse<String> register(String idScope, String registrationIdInPath, String authorization, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint()
                        + "/" + idScope + "/registrations/" + registrationIdInPath + "/register?api-version=2019-03-31"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint()
                + path)).timeout(Duration.ofSeconds(20)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
