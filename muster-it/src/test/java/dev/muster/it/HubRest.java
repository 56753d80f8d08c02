package dev.muster.it;

import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** A plain HTTP client of a hub's registry/twin REST API, as a back-end service would call it. */
final class HubRest {
    private final ConnectionString cs;
    private final HttpClient http;

    HubRest(String connectionString) {
        this(connectionString, MusterUnderTest.trust());
    }

    HubRest(String connectionString, javax.net.ssl.SSLContext trust) {
        this.cs = ConnectionString.parse(connectionString);
        this.http = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return call(method, path, body, null);
    }

    HttpResponse<String> callWithIfMatch(String method, String path, String ifMatch) throws Exception {
        return call(method, path, null, ifMatch);
    }

    HttpResponse<String> callWithIfMatch(String method, String path, String body, String ifMatch) throws Exception {
        return call(method, path, body, ifMatch);
    }

    private HttpResponse<String> call(String method, String path, String body, String ifMatch) throws Exception {
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + cs.hostName() + path
                        + (path.contains("?") ? "&" : "?") + "api-version=2021-04-12"))
                .header("Authorization", token).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new SAS device named {@code prefix-<random>}. @return its ID */
    String newSasDevice(String prefix, String keyBase64) throws Exception {
        String id = prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        createSasDevice(id, keyBase64);
        return id;
    }

    /** A self-signed X.509 device registered by its certificate's SHA-1 thumbprint. */
    void createSelfSignedDevice(String deviceId, java.security.cert.X509Certificate cert) throws Exception {
        HttpResponse<String> created = call("PUT", "/devices/" + deviceId, "{\"deviceId\":\"" + deviceId
                + "\",\"authentication\":{\"type\":\"selfSigned\",\"x509Thumbprint\":{\"primaryThumbprint\":\""
                + dev.muster.core.x509.Certificates.sha1(cert) + "\"}}}");
        if (created.statusCode() != 200) {
            throw new AssertionError("creating " + deviceId + ": " + created.statusCode() + " " + created.body());
        }
    }

    /** Creates a device that authenticates with this SAS key (primary and secondary). */
    void createSasDevice(String deviceId, String keyBase64) throws Exception {
        HttpResponse<String> r = call("PUT", "/devices/" + deviceId, "{\"deviceId\":\"" + deviceId + "\",\"authentication\":"
                + "{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"" + keyBase64 + "\",\"secondaryKey\":\"" + keyBase64
                + "\"}}}");
        if (r.statusCode() != 200) {
            throw new AssertionError("device creation answered " + r.statusCode() + " " + r.body());
        }
    }

    void patchTwin(String deviceId, String patch) throws Exception {
        HttpResponse<String> r = call("PATCH", "/twins/" + deviceId, patch);
        if (r.statusCode() != 200) {
            throw new AssertionError("twin patch answered " + r.statusCode() + " " + r.body());
        }
    }
}
