package dev.muster.server.service;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.registration.RegistrationEvent;
import dev.muster.core.registration.RegistrationListener;
import dev.muster.transport.Exchange;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /events/registrations}: a server-sent event stream with one {@code registration} event per finished
 * registration attempt of the caller's instance, for the portal's live view during a factory run. Events are
 * node-local (a node streams the registrations it served). A slow reader loses events rather than holding memory,
 * and a comment every 15 seconds keeps idle connections (and proxies) open.
 */
public final class LiveRegistrations implements RegistrationListener {
    static final int MAX_STREAMS_PER_INSTANCE = 50;
    private static final long HEARTBEAT_MILLIS = 15_000;

    private record Stream(HttpServerResponse response, Context context) {}

    private final Map<String, Set<Stream>> streams = new ConcurrentHashMap<>();

    @Override
    public void finished(RegistrationEvent event) {
        Set<Stream> listening = streams.get(key(event.instance()));
        if (listening == null || listening.isEmpty()) {
            return;
        }
        String frame = "event: registration\ndata: " + Json.write(view(event)) + "\n\n";
        for (Stream s : listening) {
            s.context().runOnContext(v -> {
                if (!s.response().closed() && !s.response().writeQueueFull()) {
                    s.response().write(frame);
                }
            });
        }
    }

    /** Starts the stream of an authorised caller; runs on the connection's event loop. */
    void open(Exchange ex, ProvisioningInstance instance) {
        Set<Stream> listening = streams.computeIfAbsent(key(instance.name()), k -> ConcurrentHashMap.newKeySet());
        if (listening.size() >= MAX_STREAMS_PER_INSTANCE) {
            throw new ProvisioningException(429, 429002, "This instance already has " + MAX_STREAMS_PER_INSTANCE
                    + " live registration streams on this node; close one first.");
        }
        Context context = Vertx.currentContext();
        HttpServerResponse response = ex.request().response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        Stream stream = new Stream(response, context);
        listening.add(stream);
        long heartbeat = context.owner().setPeriodic(HEARTBEAT_MILLIS, id -> {
            if (!response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> {
            listening.remove(stream);
            context.owner().cancelTimer(heartbeat);
        });
        response.write(": streaming registrations of " + instance.idScope() + "\n\n");
    }

    static Map<String, Object> view(RegistrationEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("registrationId", e.registrationId());
        m.put("status", e.status());
        m.put("assignedHub", e.assignedHub());
        m.put("deviceId", e.deviceId());
        m.put("errorCode", e.errorCode());
        m.put("reason", e.reason());
        m.put("timestampUtc", Timestamps.format(e.timestamp()));
        m.put("enrollmentGroupId", e.enrollmentGroupId());
        return m;
    }

    private static String key(String instance) {
        return instance.toLowerCase(Locale.ROOT);
    }
}
