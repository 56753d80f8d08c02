package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubNode;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.methods.MethodCall;
import dev.muster.hub.methods.MethodForwarder;
import dev.muster.hub.methods.MethodResult;
import dev.muster.hub.methods.NodeCallSignature;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Hands a direct method to the node holding the device's connection: the same {@code POST /twins/…/methods} the
 * service sent here, to that node's HTTPS listener with the hub's host name, signed with the deployment's node key
 * ({@link NodeCallSignature}) instead of the service's token. The other node's answer or refusal comes back as is.
 *
 * <p>TLS between nodes is not verified: each node has its own certificate, and the call's authority is its signature
 * (a forged node address in the shared database is outside what this defends against).
 */
public final class NodeMethodForwarder implements MethodForwarder {
    /** What the call may take beyond the method's own time-outs: the hop, the other node's look-ups. */
    private static final long SLACK_MILLIS = 5_000;

    private final HttpClient http;
    private final NodeCallSignature signature;

    public NodeMethodForwarder(Vertx vertx, NodeCallSignature signature) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setKeepAlive(true));
        this.signature = signature;
    }

    @Override
    public CompletableFuture<MethodResult> forward(HubNode node, ConnectionKey target, MethodCall call) {
        String path = "/twins/" + segment(target.deviceId())
                + (target.isModule() ? "/modules/" + segment(target.moduleId()) : "") + "/methods";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("methodName", call.methodName());
        body.put("payload", call.payload());
        body.put("responseTimeoutInSeconds", call.responseTimeoutSeconds());
        // The device was found connected there: the other node does not wait for it again.
        body.put("connectTimeoutInSeconds", 0);
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        long timeout = TimeUnit.SECONDS.toMillis(call.responseTimeoutSeconds()) + SLACK_MILLIS;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(node.address())
                .setPort(node.port()).setURI(path + "?api-version=2021-04-12").setIdleTimeout(timeout)
                .putHeader("Host", target.hub()).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader(NodeCallSignature.HEADER, signature.sign(target.hub(), path, bytes));
        CompletableFuture<MethodResult> result = new CompletableFuture<>();
        http.request(options)
                .compose(req -> req.send(Buffer.buffer(bytes)))
                .compose(resp -> resp.body().map(b -> Map.entry(resp, b)))
                .onSuccess(e -> {
                    try {
                        result.complete(answer(e.getKey().statusCode(), e.getKey().getHeader("iothub-errorcode"),
                                e.getValue()));
                    } catch (HubError refusal) {
                        result.completeExceptionally(refusal);
                    }
                })
                .onFailure(e -> result.completeExceptionally(new HubError(HubErrorCode.SERVER_ERROR,
                        "The node holding the device's connection (" + node.address() + ":" + node.port()
                                + ") could not be reached: " + e.getMessage())));
        return result;
    }

    /** The other node's answer: 200 with the device's result, or its refusal as the same hub error. */
    static MethodResult answer(int status, String errorName, Buffer body) {
        if (status == 200) {
            return MethodRoutes.parseResult(Json.tree(body.toString(StandardCharsets.UTF_8)));
        }
        HubErrorCode code = Arrays.stream(HubErrorCode.values())
                .filter(c -> c.errorName().equals(errorName) && c.httpStatus() == status).findFirst()
                .orElse(HubErrorCode.SERVER_ERROR);
        String message = "The node holding the device's connection refused the call";
        Map<String, String> info = Map.of();
        try {
            JsonNode parsed = Json.tree(body.toString(StandardCharsets.UTF_8)).path("Message");
            if (parsed.isTextual() && parsed.asText().startsWith("{")) {
                JsonNode inner = Json.tree(parsed.asText());
                message = inner.path("message").asText(message).replaceFirst("^ErrorCode:[^;]*;", "");
                Map<String, String> details = new LinkedHashMap<>();
                inner.path("info").fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
                info = details;
            }
        } catch (RuntimeException unreadable) {
            // keep the generic message
        }
        throw new HubError(code, message, info);
    }

    private static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
