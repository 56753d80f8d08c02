package dev.muster.hub;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.events.EventIngest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Device-to-cloud messages as the hub receives them: written durably through the node's {@link EventIngest} (its
 * event streams and routes), and handed to whoever watches live (the monitor stream).
 */
public final class TelemetryBus {
    private final List<Consumer<TelemetryMessage>> listeners = new CopyOnWriteArrayList<>();
    private volatile EventIngest ingest;

    public void addTelemetryListener(Consumer<TelemetryMessage> l) { listeners.add(l); }

    public void removeTelemetryListener(Consumer<TelemetryMessage> l) { listeners.remove(l); }

    /** Set once by the server that owns the store; a hub without one (unit tests) keeps messages nowhere. */
    public void ingestInto(EventIngest eventIngest) {
        this.ingest = eventIngest;
    }

    public EventIngest ingest() {
        return ingest;
    }

    /**
     * A message a transport received and already acknowledged: shown live and written (not awaited). Transports
     * that acknowledge only once the message is durable call {@link #ingest} and wait for it instead.
     */
    public void telemetryReceived(TelemetryMessage message) {
        for (Consumer<TelemetryMessage> l : listeners) {
            l.accept(message);
        }
        EventIngest i = ingest;
        if (i != null) {
            i.ingest(message.hub(), message.deviceId(), content(message));
        }
    }

    /** The stored form of a message a transport handed over as a {@link TelemetryMessage}. */
    private static EventContent content(TelemetryMessage m) {
        java.util.Map<String, String> app = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> sys = new java.util.LinkedHashMap<>();
        m.properties().forEach((k, v) -> {
            if (k.startsWith("$.") || k.startsWith("iothub-")) {
                return;
            }
            app.put(k, v);
        });
        sys.put(dev.muster.core.hub.events.SystemProperties.CONNECTION_DEVICE_ID, m.deviceId());
        if (m.moduleId() != null) {
            sys.put(dev.muster.core.hub.events.SystemProperties.CONNECTION_MODULE_ID, m.moduleId());
        }
        sys.put(dev.muster.core.hub.events.SystemProperties.ENQUEUED_TIME, m.enqueuedTime().toString());
        sys.put(dev.muster.core.hub.events.SystemProperties.MESSAGE_SOURCE,
                dev.muster.core.hub.events.SystemProperties.SOURCE_TELEMETRY);
        return new EventContent(m.body(), app, sys);
    }

    /**
     * Routes and stores a message entering the hub. @return completes once it is on disk (at once when this hub has
     * no ingest, i.e. in unit tests without a store)
     */
    public CompletionStage<Void> ingest(String hub, String deviceId, EventContent content) {
        EventIngest i = ingest;
        return i == null ? CompletableFuture.completedFuture(null) : i.ingest(hub, deviceId, content);
    }
}
