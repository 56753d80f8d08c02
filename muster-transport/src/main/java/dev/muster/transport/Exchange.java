package dev.muster.transport;

import dev.muster.core.Json;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One HTTP request with its body read, its path split and decoded, and response helpers. */
public final class Exchange {
    public static final String JSON = "application/json; charset=utf-8";

    private final HttpServerRequest request;
    private final String body;
    private final byte[] bodyBytes;
    private final List<String> segments;

    public Exchange(HttpServerRequest request, String body) {
        this(request, body, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    /** A request whose body may be binary (a device's telemetry over HTTPS): {@link #bodyBytes()} keeps it as sent. */
    public Exchange(HttpServerRequest request, byte[] body) {
        this(request, new String(body, StandardCharsets.UTF_8), body);
    }

    private Exchange(HttpServerRequest request, String body, byte[] bodyBytes) {
        this.request = request;
        this.body = body;
        this.bodyBytes = bodyBytes;
        this.segments = split(request.path());
    }

    public HttpServerRequest request() { return request; }
    public String method() { return request.method().name(); }
    public String body() { return body; }
    public byte[] bodyBytes() { return bodyBytes.clone(); }
    public List<String> segments() { return segments; }
    public String header(String name) { return request.getHeader(name); }
    public String query(String name) { return request.getParam(name); }

    /** Host header without port, lower-cased; empty if absent. */
    public String host() {
        return hostOf(request.getHeader("Host"));
    }

    public static String hostOf(String authority) {
        if (authority == null) {
            return "";
        }
        String h = authority.strip().toLowerCase();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    public void json(int status, Object value) {
        json(status, value, Map.of());
    }

    public void json(int status, Object value, Map<String, String> headers) {
        HttpServerResponse r = request.response().setStatusCode(status);
        headers.forEach(r::putHeader);
        if (value == null) {
            r.end();
            return;
        }
        r.putHeader("Content-Type", JSON).end(value instanceof String s ? s : Json.write(value));
    }

    public void empty(int status) {
        request.response().setStatusCode(status).end();
    }

    public static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        if (path == null) {
            return out;
        }
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                // Path segments: '+' is a literal plus, only %XX is an escape.
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
