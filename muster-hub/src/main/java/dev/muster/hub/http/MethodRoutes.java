package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.methods.MethodCall;
import dev.muster.hub.methods.MethodResult;
import dev.muster.hub.methods.NodeCallSignature;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct method invocation on the hub's REST API: {@code POST /twins/{deviceId}/methods} and
 * {@code POST /twins/{deviceId}/modules/{moduleId}/methods}, answered {@code {"status":…,"payload":…}} with the
 * device's answer. A call another node forwarded (signed with the deployment's node key instead of the hub's policy)
 * is invoked on this node's connection only.
 */
final class MethodRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(MethodRoutes.class);

    private final LiveDevices live;
    private final Blocking blocking;
    private final NodeCallSignature nodeCalls;
    /** Checks the caller's hub policy token (hub, Authorization header); throws HubError when refused. */
    private final BiConsumer<String, String> authorize;
    /** Refuses a device (404001) or module (404010) the registry does not have. */
    private final Consumer<ConnectionKey> requireIdentity;

    MethodRoutes(LiveDevices live, Blocking blocking, NodeCallSignature nodeCalls, BiConsumer<String, String> authorize,
                 Consumer<ConnectionKey> requireIdentity) {
        this.live = live;
        this.blocking = blocking;
        this.nodeCalls = nodeCalls;
        this.authorize = authorize;
        this.requireIdentity = requireIdentity;
    }

    /** The device or module a method path names, or empty when the path is not a method invocation. */
    static Optional<ConnectionKey> target(String hub, List<String> s) {
        if (s.size() == 3 && s.get(0).equals("twins") && s.get(2).equals("methods")) {
            return Optional.of(ConnectionKey.device(hub, s.get(1)));
        }
        if (s.size() == 5 && s.get(0).equals("twins") && s.get(2).equals("modules") && s.get(4).equals("methods")) {
            return Optional.of(new ConnectionKey(hub, s.get(1), s.get(3)));
        }
        return Optional.empty();
    }

    void invoke(Exchange ex, ConnectionKey target) {
        if (!ex.method().equals("POST")) {
            HubErrors.send(ex, new HubError(HubErrorCode.METHOD_NOT_ALLOWED, "Method not allowed."));
            return;
        }
        String forwardedSignature = ex.header(NodeCallSignature.HEADER);
        String authorization = ex.header("Authorization");
        blocking.run(() -> {
            boolean forwarded = forwardedSignature != null;
            if (forwarded) {
                Optional<String> refused = nodeCalls.check(forwardedSignature, target.hub(), ex.request().path(),
                        bodyBytes(ex));
                if (refused.isPresent()) {
                    LOG.warn("refused a node call for {}: {}", target, refused.get());
                    throw new HubError(HubErrorCode.UNAUTHORIZED, "Node call refused.");
                }
            } else {
                authorize.accept(target.hub(), authorization);
            }
            if (ex.body() == null || ex.body().isBlank()) {
                throw HubError.argumentInvalid("A JSON request body is required.");
            }
            MethodCall call = MethodCall.parse(Json.tree(ex.body()));
            requireIdentity.accept(target);
            return live.methods().invoke(target, call, !forwarded);
        }).onComplete(ar -> {
            if (ar.failed()) {
                fail(ex, ar.cause());
                return;
            }
            CompletableFuture<MethodResult> result = ar.result();
            var context = io.vertx.core.Vertx.currentContext();
            result.whenComplete((r, e) -> context.runOnContext(v -> {
                if (e != null) {
                    fail(ex, e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e);
                } else {
                    ex.json(200, body(r));
                }
            }));
        });
    }

    static Map<String, Object> body(MethodResult r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.status());
        body.put("payload", r.payload());
        return body;
    }

    private static byte[] bodyBytes(Exchange ex) {
        return ex.body() == null ? new byte[0] : ex.body().getBytes(StandardCharsets.UTF_8);
    }

    private static void fail(Exchange ex, Throwable e) {
        if (e instanceof HubError h) {
            HubErrors.send(ex, h);
        } else if (e instanceof dev.muster.core.ProvisioningException p) {
            HubErrors.send(ex, HubErrors.fromCore(p));
        } else {
            LOG.error("direct method on {} failed", ex.request().path(), e);
            HubErrors.send(ex, new HubError(HubErrorCode.SERVER_ERROR, "Internal error; see the server log."));
        }
    }

    /** Used by the node-to-node forwarder to read a peer's answer back into the same shape. */
    static MethodResult parseResult(JsonNode body) {
        if (body == null || !body.path("status").canConvertToInt()) {
            throw new HubError(HubErrorCode.SERVER_ERROR, "Another node answered a forwarded method without a status.");
        }
        return new MethodResult(body.get("status").asInt(), body.has("payload") ? body.get("payload") : null);
    }
}
