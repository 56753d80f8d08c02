package dev.muster.server.http;

import dev.muster.core.ProvisioningException;
import dev.muster.hub.http.HubErrors;
import dev.muster.server.service.ServiceHttpApi;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTPS request on 443 enters here. Bodies are capped (96 KB, Azure's message limit) before anything
 * parses them; then the host name picks the hub API, the first path segment picks the service API, and
 * everything else is the global device endpoint (device paths start with the ID scope).
 * {@code GET /health} is answered first, on the event loop, with a fixed body and without touching the store:
 * it is for load balancers, and it is the benchmark's measure of what TLS plus HTTP alone cost on this listener.
 */
public final class FrontDoor implements Handler<HttpServerRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoor.class);
    public static final int MAX_BODY = 96 * 1024;
    /**
     * A hub's requests may be larger: a device's telemetry over HTTPS up to IoT Hub's 256 KB (a batch's JSON, with
     * its base64 bodies, a third more), a direct method up to 128 KB of payload in its envelope.
     */
    public static final int MAX_HUB_BODY = 352 * 1024;
    /** The fixed answer of {@code GET /health}; the benchmark's nginx ceiling serves the same bytes. */
    public static final String HEALTH_BODY = "{\"status\":\"up\"}";

    private final Predicate<String> isHubHost;
    private final Route hubApi;
    private final Route serviceApi;
    private final Route deviceApi;
    private final WebSocketBridge webSockets;
    private Route portal;

    public FrontDoor(Predicate<String> isHubHost, Route hubApi, Route serviceApi, Route deviceApi,
                     WebSocketBridge webSockets) {
        this.isHubHost = isHubHost;
        this.hubApi = hubApi;
        this.serviceApi = serviceApi;
        this.deviceApi = deviceApi;
        this.webSockets = webSockets;
    }

    /** Serves the web portal's files at {@code /portal/…} on every host but the hubs'. */
    public FrontDoor withPortal(Route portal) {
        this.portal = portal;
        return this;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET && "/health".equals(request.path())) {
            request.response().putHeader("Content-Type", Exchange.JSON).end(HEALTH_BODY);
            return;
        }
        if (WebSocketBridge.isUpgrade(request)) {
            webSockets.handle(request);
            return;
        }
        boolean hub = isHubHost.test(Exchange.hostOf(request.getHeader("Host")));
        int limit = hub ? MAX_HUB_BODY : MAX_BODY;
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > limit) {
                reject(request, hub, n < 0 ? ProvisioningException.badRequest("Invalid Content-Length header.")
                        : tooLarge());
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] rejected = {false};
        request.handler(chunk -> {
            if (rejected[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                rejected[0] = true;
                reject(request, hub, tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> LOG.debug("request aborted: {}", e.toString()));
        request.endHandler(v -> {
            if (!rejected[0]) {
                dispatch(new Exchange(request, body.getBytes()));
            }
        });
    }

    private void dispatch(Exchange ex) {
        try {
            if (isHubHost.test(ex.host())) {
                hubApi.handle(ex);
            } else if (portal != null && !ex.segments().isEmpty() && ex.segments().get(0).equalsIgnoreCase("portal")) {
                portal.handle(ex);
            } else if (!ex.segments().isEmpty()
                    && ServiceHttpApi.servesRoot(ex.segments().get(0))) {
                serviceApi.handle(ex);
            } else {
                deviceApi.handle(ex);
            }
        } catch (ProvisioningException e) {
            DpsErrors.send(ex, e);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure on {} {}", ex.method(), ex.request().path(), e);
            DpsErrors.send(ex, DpsErrors.refusal(e));
        }
    }

    private static ProvisioningException tooLarge() {
        return new ProvisioningException(413, 413001, "The request body is larger than 96 KB.");
    }

    private static void reject(HttpServerRequest request, boolean hub, ProvisioningException e) {
        // Close after answering: the rest of an oversized body is not worth reading.
        request.response().putHeader("Connection", "close");
        if (hub && e.httpStatus() == 413) {
            HubErrors.sendTooLarge(new Exchange(request, ""), MAX_HUB_BODY);
        } else {
            DpsErrors.send(new Exchange(request, ""), e);
        }
    }
}
