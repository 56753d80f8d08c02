package dev.muster.core.hub.routing;

import java.net.URI;
import java.util.Map;

/**
 * Messages POSTed to an HTTPS (or, for tests and local receivers, HTTP on loopback) URL, one request per message,
 * retried with back-off until {@code maxAttempts}, then dead-lettered.
 *
 * @param headers sent with every request (an authorization header, say); kept sealed at rest
 */
public record WebhookEndpoint(String name, URI url, Map<String, String> headers, int maxAttempts)
        implements RouteEndpoint {
    public static final int DEFAULT_MAX_ATTEMPTS = 8;

    public WebhookEndpoint {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
