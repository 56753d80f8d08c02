package dev.muster.server.http;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.server.ServerConfig;
import dev.muster.transport.Exchange;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listeners' deadlines ({@link ServerConfig.HttpDeadlines}), each a timer set once and not pushed back by
 * arriving bytes, so a client dripping one byte at a time is closed as surely as a silent one. A connection waiting
 * for request headers (after the handshake, or after its last response) is closed without an answer when its time is
 * up: until the headers are complete there is no request to answer. A request whose body has not fully arrived in
 * time is answered {@code 408} and its connection closed, since the rest of its body would be read as the next request.
 * Time spent computing an answer is not bounded here: that is the server's time, not the client's.
 *
 * <p>Only Vert.x's public API is used, so the per-connection state is a map entry that lives exactly while a timer
 * for that connection is set: every path (the timer firing, the next request, the connection closing) removes it.
 * It sets the response's {@code endHandler}, which no route uses.
 */
public final class RequestDeadlines {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);

    private final Vertx vertx;
    private final long headerMillis;
    private final long bodyMillis;
    private final long keepAliveMillis;
    /** Connections waiting for a request's headers → the timer that closes them. */
    private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

    public RequestDeadlines(Vertx vertx, ServerConfig.HttpDeadlines deadlines) {
        this.vertx = vertx;
        this.headerMillis = deadlines.headerSeconds() * 1000L;
        this.bodyMillis = deadlines.bodySeconds() * 1000L;
        this.keepAliveMillis = deadlines.keepAliveSeconds() * 1000L;
    }

    /** The HTTP server's connection handler: the first request's headers are due within the header time-out. */
    public void connected(HttpConnection connection) {
        // Most devices close after one answer: drop their pending timer at once instead of holding the closed
        // connection (and its TLS buffers) until the keep-alive time-out fires.
        connection.closeHandler(v -> {
            Long timer = waiting.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        awaitRequest(connection, headerMillis, "headers");
    }

    /** {@code routes} behind the deadlines: the server's request handler. */
    public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> routes) {
        return request -> {
            HttpConnection connection = request.connection();
            Long timer = waiting.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
            if (WebSocketBridge.isUpgrade(request)) {
                // No longer HTTP once upgraded: the bridged protocol's keep-alive and the idle time-out govern it.
                routes.handle(request);
                return;
            }
            long body = vertx.setTimer(bodyMillis, id -> {
                if (!request.isEnded()) {
                    bodyTooSlow(request);
                }
            });
            request.response().endHandler(v -> {
                vertx.cancelTimer(body);
                awaitRequest(connection, keepAliveMillis, "next request");
            });
            routes.handle(request);
        };
    }

    private void awaitRequest(HttpConnection connection, long millis, String what) {
        long timer = vertx.setTimer(millis, id -> {
            if (waiting.remove(connection, id)) {
                LOG.debug("closing {}: no complete {} within {} ms", connection.remoteAddress(), what, millis);
                connection.close();
            }
        });
        waiting.put(connection, timer);
    }

    private void bodyTooSlow(HttpServerRequest request) {
        LOG.debug("answering 408 to {}: the body of {} {} did not arrive within {} ms", request.remoteAddress(),
                request.method(), request.path(), bodyMillis);
        HttpConnection connection = request.connection();
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            connection.close();
            return;
        }
        ProvisioningException late = new ProvisioningException(408, 408000,
                "The request body did not arrive within " + bodyMillis / 1000 + " s.");
        response.setStatusCode(408).putHeader("Content-Type", Exchange.JSON).putHeader("Connection", "close")
                .putHeader("x-ms-error-code", Integer.toString(late.errorCode()))
                .end(Json.write(DpsErrors.body(late))).onComplete(done -> connection.close());
    }
}
