package dev.muster.server.metrics;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The operators' listener: {@code GET /metrics} in Prometheus's text format, and nothing else (404). It shows every
 * instance's names, ID scopes and figures, so it is never served on a tenant's host: it has a listener of its own
 * (loopback by default), and with a token set it also asks for {@code Authorization: Bearer <token>} (401
 * otherwise, as Prometheus's {@code authorization} scrape setting expects).
 */
public final class MetricsEndpoint implements Handler<HttpServerRequest> {
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> scrape;
    private final byte[] expectedAuthorization;

    /** @param token the bearer token to ask for; null for none */
    public MetricsEndpoint(Supplier<String> scrape, String token) {
        this.scrape = scrape;
        this.expectedAuthorization = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (!PATH.equals(request.path())) {
            answer(request, 404, "Not found: this listener serves GET /metrics only.");
        } else if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            request.response().putHeader("Allow", "GET, HEAD");
            answer(request, 405, "Method not allowed: GET /metrics.");
        } else if (!authorized(request.getHeader("Authorization"))) {
            request.response().putHeader("WWW-Authenticate", "Bearer realm=\"muster metrics\"");
            answer(request, 401, "Unauthorized: GET /metrics needs 'Authorization: Bearer <the metrics token>'.");
        } else {
            request.response().putHeader("Content-Type", CONTENT_TYPE).end(scrape.get());
        }
    }

    private boolean authorized(String authorization) {
        return expectedAuthorization == null || authorization != null
                && MessageDigest.isEqual(expectedAuthorization, authorization.strip().getBytes(StandardCharsets.UTF_8));
    }

    private static void answer(HttpServerRequest request, int status, String message) {
        request.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(message + "\n");
    }
}
