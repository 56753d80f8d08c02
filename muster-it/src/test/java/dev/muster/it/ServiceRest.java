package dev.muster.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/** Raw service API calls with any connection string or token, at any instance's host. */
final class ServiceRest {
    private ServiceRest() {}

    static String token(String connectionString, long validSeconds) {
        ConnectionString cs = ConnectionString.parse(connectionString);
        return SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + validSeconds);
    }

    static HttpResponse<String> call(String connectionString, String method, String path, String body) throws Exception {
        return call(ConnectionString.parse(connectionString).hostName(), token(connectionString, 600), method, path, body);
    }

    /** @param path with or without a query; api-version is added */
    static HttpResponse<String> call(String host, String token, String method, String path, String body)
            throws Exception {
        String uri = "https://" + host + path + (path.contains("?") ? "&" : "?") + "api-version=2021-10-01";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) {
        return Json.tree(r.body());
    }

    static String connectionString(String host, String keyName, String key) {
        return "HostName=" + host + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key;
    }

    /** A call with extra request headers (If-Match, x-ms-max-item-count, x-ms-continuation). */
    static HttpResponse<String> callWith(String connectionString, String method, String path, String body,
                                     java.util.Map<String, String> headers) throws Exception {
        String uri = "https://" + ConnectionString.parse(connectionString).hostName() + path
                + (path.contains("?") ? "&" : "?") + "api-version=2021-10-01";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", token(connectionString, 600));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        return HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
