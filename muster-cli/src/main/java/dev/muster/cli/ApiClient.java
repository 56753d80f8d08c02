package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** The service REST API as the CLI uses it: SAS-signed calls, Azure error bodies turned into one-line errors. */
final class ApiClient {
    /** The provisioning service's data-plane version; a hub's is {@link #HUB_API_VERSION}. */
    static final String SERVICE_API_VERSION = "2021-10-01";
    static final String HUB_API_VERSION = "2021-04-12";

    private final ConnectionString cs;
    private final String base;
    private final HttpClient http;
    private final String apiVersion;
    private final Duration requestTimeout;

    ApiClient(ConnectionString cs, int port, SSLContext ssl) {
        this(cs, port, ssl, SERVICE_API_VERSION, Duration.ofSeconds(30));
    }

    private ApiClient(ConnectionString cs, int port, SSLContext ssl, String apiVersion, Duration requestTimeout) {
        this.cs = cs;
        this.base = "https://" + cs.hostName() + (port == 443 ? "" : ":" + port);
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
        this.apiVersion = apiVersion;
        this.requestTimeout = requestTimeout;
    }

    /**
     * A hub's REST API with its policy's connection string; calls may take as long as a direct method can (a
     * 300 s connect time-out plus a 300 s response time-out).
     */
    static ApiClient hub(ConnectionString cs, int port, SSLContext ssl) {
        return new ApiClient(cs, port, ssl, HUB_API_VERSION, Duration.ofSeconds(620));
    }

    static ApiClient of(Target t) {
        return new ApiClient(t.service(), t.httpsPort(), t.ssl());
    }

    /** A response that was not an error. */
    record Reply(int status, JsonNode body, Map<String, java.util.List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    Reply call(String method, String path, Object body, Map<String, String> headers) {
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 300);
        String json = body == null ? null : body instanceof String s ? s : Json.write(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path + (path.contains("?") ? "&" : "?")
                        + "api-version=" + apiVersion))
                .timeout(requestTimeout)
                .header("Authorization", token)
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json; charset=utf-8");
        }
        headers.forEach(b::header);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ApiError(3, "Cannot connect to " + base + ": is Muster running there?");
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new ApiError(3, untrusted(e));
        } catch (IOException e) {
            throw new ApiError(3, "Request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(3, "interrupted");
        }
        JsonNode node = r.body() == null || r.body().isBlank() ? null : parse(r.body());
        if (r.statusCode() >= 300) {
            JsonNode error = hubError(node);
            String message = error != null && error.has("message") ? error.get("message").asText() : r.body();
            String code = error != null && error.has("errorCode") ? " (" + error.get("errorCode").asText() + ")" : "";
            long retryAfter = r.headers().firstValueAsLong("Retry-After").orElse(-1);
            throw new ApiError(r.statusCode() == 404 ? 4 : r.statusCode() == 412 ? 5 : 1,
                    "HTTP " + r.statusCode() + code + ": " + message, r.statusCode(), retryAfter);
        }
        return new Reply(r.statusCode(), node, r.headers().map());
    }

    /**
     * The JDK says "PKIX path building failed: sun.security.provider.certpath…" for a server whose CA it does not
     * trust; say which host and how to trust it instead.
     */
    private String untrusted(javax.net.ssl.SSLHandshakeException e) {
        boolean trust = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException
                    || t instanceof java.security.cert.CertificateException
                    || String.valueOf(t.getMessage()).startsWith("PKIX path")) {
                trust = true;
            }
        }
        return trust
                ? "The server at " + base + " presented a certificate this command does not trust: pass its CA with"
                        + " --ca-file PEM (a Muster's CA is DATA_DIR/tls/ca.pem), or save it in a profile"
                        + " ('./muster profile save NAME --connection-string … --ca-file PEM')."
                : "TLS with " + base + " failed: " + e.getMessage();
    }

    /**
     * The error document: a provisioning service's is the body itself; a hub's is the innermost JSON inside its
     * {@code Message} (as the Java service client reads it), whose message may carry IoT Hub's
     * {@code ErrorCode:Name;} prefix, dropped here.
     */
    private static JsonNode hubError(JsonNode body) {
        JsonNode error = body;
        while (error != null && error.path("Message").isTextual() && error.path("Message").asText().contains("{")) {
            String m = error.path("Message").asText();
            JsonNode inner = parse(m.substring(m.indexOf('{')));
            if (!inner.isObject()) {
                break;
            }
            error = inner;
        }
        if (error != null && error.path("message").isTextual()) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) error).put("message",
                    error.path("message").asText().replaceFirst("^ErrorCode:[^;]*;", ""));
        }
        return error;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }

    /** DELETE, conditional on {@code etag} (If-Match) when one is given. */
    Reply delete(String path, String etag) {
        return call("DELETE", path, null, etag == null ? Map.of() : Map.of("If-Match", etag));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A failed API call; exit code 3 = unreachable, 4 = not found, 5 = etag conflict, 1 = other. {@code status} is
     * the HTTP status (0 when no answer came) and {@code retryAfterSeconds} the Retry-After header (-1 if none).
     */
    static final class ApiError extends RuntimeException {
        final int exitCode;
        final int status;
        final long retryAfterSeconds;

        ApiError(int exitCode, String message) {
            this(exitCode, message, 0, -1);
        }

        ApiError(int exitCode, String message, int status, long retryAfterSeconds) {
            super(message);
            this.exitCode = exitCode;
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /**
     * Every page of a call that pages with x-ms-continuation (a GET list, or a POST query with its body), up to
     * {@code top} items.
     */
    java.util.List<JsonNode> pages(String method, String path, Object body, int top) {
        java.util.List<JsonNode> all = new java.util.ArrayList<>();
        String continuation = null;
        do {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("x-ms-max-item-count", Integer.toString(Math.min(1000, Math.max(1, top - all.size()))));
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            Reply reply = call(method, path, body, headers);
            reply.body().forEach(all::add);
            continuation = reply.header("x-ms-continuation");
        } while (continuation != null && all.size() < top);
        return all.size() > top ? all.subList(0, top) : all;
    }
}
