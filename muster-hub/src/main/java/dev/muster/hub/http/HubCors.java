package dev.muster.hub.http;

import dev.muster.transport.Exchange;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin access to the hub's REST API, so that the web portal (served from the provisioning service's host)
 * can call a hub's host from the browser with the hub policy the operator pasted. Any origin is allowed: the API
 * authenticates with a SAS token in the {@code Authorization} header, never with cookies or other ambient
 * credentials (so {@code Access-Control-Allow-Credentials} is never sent), and a page can only send what its own
 * script signed. A preflight is answered here; every other response carries the allow and expose headers.
 */
final class HubCors {
    static final String METHODS = "GET, PUT, POST, PATCH, DELETE";
    /** What the API reads from callers, lower-case; {@code iothub-app-*} headers are allowed besides. */
    static final Set<String> REQUEST_HEADERS = requestHeaders();
    /** What a page's script may read from the answers: paging, the hub's error name, twin and device etags. */
    static final String EXPOSED = "x-ms-continuation, iothub-errorcode, ETag";
    static final String MAX_AGE_SECONDS = "600";

    private HubCors() {}

    /**
     * Adds the CORS headers to the response; answers a preflight (OPTIONS with an Origin and
     * Access-Control-Request-Method) at once with 204.
     *
     * @return true when the request was a preflight and has been answered
     */
    static boolean handle(Exchange ex) {
        String origin = ex.header("Origin");
        if (origin == null) {
            return false;
        }
        HttpServerResponse r = ex.request().response();
        r.putHeader("Access-Control-Allow-Origin", "*");
        String requestedMethod = ex.header("Access-Control-Request-Method");
        if (!ex.method().equals("OPTIONS") || requestedMethod == null) {
            r.putHeader("Access-Control-Expose-Headers", EXPOSED);
            return false;
        }
        r.putHeader("Access-Control-Allow-Methods", METHODS);
        String allowed = allowedHeaders(ex.header("Access-Control-Request-Headers"));
        if (!allowed.isEmpty()) {
            r.putHeader("Access-Control-Allow-Headers", allowed);
        }
        r.putHeader("Access-Control-Max-Age", MAX_AGE_SECONDS);
        ex.empty(204);
        return true;
    }

    /**
     * The requested headers this API reads, in the caller's spelling; a header it does not read is left out, so the
     * browser refuses that request instead of sending headers the hub would silently ignore.
     */
    static String allowedHeaders(String requested) {
        if (requested == null || requested.isBlank()) {
            return "";
        }
        List<String> allowed = new ArrayList<>();
        for (String name : requested.split(",")) {
            String n = name.strip();
            String lower = n.toLowerCase(Locale.ROOT);
            if (REQUEST_HEADERS.contains(lower) || lower.startsWith(DeviceboundRoutes.APP_PREFIX)) {
                allowed.add(n);
            }
        }
        return String.join(", ", allowed);
    }

    private static Set<String> requestHeaders() {
        List<String> names = new ArrayList<>(List.of("authorization", "content-type", "accept", "if-match",
                "x-ms-max-item-count", "x-ms-continuation", "x-http-method-override"));
        names.addAll(DeviceboundRoutes.HEADERS);
        return Set.copyOf(names);
    }
}
