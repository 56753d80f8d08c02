package dev.muster.server.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A linked hub reached through its public registry/twin REST API (reference §9), authenticated with the hub's
 * connection string. Works against any hub that speaks that API, built-in or remote.
 */
public final class RestHubClient implements HubClient {
    static final String API_VERSION = "2021-04-12";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long TOKEN_LIFETIME_SECONDS = 3600;

    private final ConnectionString connection;
    private final String baseUri;
    private final HttpClient http;
    private volatile String token;
    private volatile long tokenExpiry;

    /** @param port the hub's HTTPS port (443 unless a test or operator moved it) */
    public RestHubClient(String connectionString, int port, SSLContext ssl) {
        this.connection = ConnectionString.parse(connectionString);
        String host = connection.hostName().contains(":") && !connection.hostName().startsWith("[")
                ? "[" + connection.hostName() + "]" : connection.hostName();
        this.baseUri = "https://" + host + (port == 443 ? "" : ":" + port);
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String hostName() {
        return connection.hostName();
    }

    @Override
    public Optional<HubDevice> device(String deviceId) {
        HttpResponse<String> r = send("GET", "/devices/" + enc(deviceId), null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        check(r, "read device " + deviceId);
        return Optional.of(Json.read(r.body(), HubDevice.class));
    }

    @Override
    public HubDevice putDevice(HubDevice device) {
        HttpResponse<String> r = send("PUT", "/devices/" + enc(device.deviceId()), Json.write(device), "If-Match", "*");
        check(r, "create or update device " + device.deviceId());
        return Json.read(r.body(), HubDevice.class);
    }

    @Override
    public void deleteDevice(String deviceId) {
        HttpResponse<String> r = send("DELETE", "/devices/" + enc(deviceId), null, "If-Match", "*");
        if (r.statusCode() != 404) {
            check(r, "delete device " + deviceId);
        }
    }

    @Override
    public Optional<ObjectNode> twin(String deviceId) {
        HttpResponse<String> r = send("GET", "/twins/" + enc(deviceId), null);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        check(r, "read twin " + deviceId);
        JsonNode n = Json.tree(r.body());
        return n.isObject() ? Optional.of((ObjectNode) n) : Optional.empty();
    }

    @Override
    public long deviceCount() {
        HttpResponse<String> r = send("GET", "/statistics/devices", null);
        check(r, "read device statistics");
        return Json.tree(r.body()).path("totalDeviceCount").asLong();
    }

    @Override
    public void patchTwin(String deviceId, TwinState patch) {
        HttpResponse<String> r = send("PATCH", "/twins/" + enc(deviceId), Json.write(patch));
        check(r, "update twin " + deviceId);
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUri + path + "?api-version=" + API_VERSION))
                .timeout(TIMEOUT)
                .header("Authorization", token())
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HubException(hostName(), "unreachable at " + baseUri + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(hostName(), "interrupted", e);
        }
    }

    private void check(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            String body = r.body() == null ? "" : r.body();
            throw new HubException(hostName(), r.statusCode(), "could not " + what + ": HTTP " + r.statusCode()
                    + (body.isEmpty() ? "" : " " + (body.length() > 300 ? body.substring(0, 300) : body)));
        }
    }

    private String token() {
        long now = Instant.now().getEpochSecond();
        if (token == null || tokenExpiry - now < 300) {
            tokenExpiry = now + TOKEN_LIFETIME_SECONDS;
            token = SasSigner.sign(connection.hostName(), connection.key(), connection.keyName(), tokenExpiry);
        }
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
