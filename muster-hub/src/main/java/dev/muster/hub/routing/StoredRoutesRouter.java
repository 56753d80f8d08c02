package dev.muster.hub.routing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.StoredRouting;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageRouter} of the built-in hubs: each hub's routing compiled once and kept in memory, so a decision
 * reads no store. A change saved on this node is applied at once ({@link #changed}); a background poll reads every
 * cached hub's etag every {@code pollInterval} and recompiles the hubs whose routing another node changed.
 */
public final class StoredRoutesRouter implements MessageRouter, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoredRoutesRouter.class);

    private record Compiled(String etag, RoutingTable table) {}

    private final RoutingStore store;
    private final Map<String, Compiled> hubs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;
    private final java.util.List<Runnable> onChange = new java.util.concurrent.CopyOnWriteArrayList<>();

    public StoredRoutesRouter(RoutingStore store, Duration pollInterval) {
        this.store = store;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "muster-routing-poll");
            t.setDaemon(true);
            return t;
        });
        long ms = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public RouteDecision decide(String hub, EventContent message) {
        return table(hub).evaluate(message).decision();
    }

    /** Which routes take the message, for IoT Hub's "test route": the same evaluation the ingest path makes. */
    public RouteMatch match(String hub, EventContent message) {
        return table(hub).evaluate(message);
    }

    /** Whether an enabled route of the hub takes messages of {@code source} (the non-telemetry sources ask first). */
    public boolean takes(String hub, dev.muster.core.hub.routing.RouteSource source) {
        return table(hub).takes(source);
    }

    /** A routing this node just saved: used from now on, without waiting for the poll. */
    public void changed(String hub, StoredRouting saved) {
        hubs.put(key(hub), new Compiled(saved.etag(), new RoutingTable(saved.routing())));
        onChange.forEach(Runnable::run);
    }

    /** Told after a routing was saved on this node (so the endpoints' delivery starts without waiting). */
    public void onChange(Runnable listener) {
        onChange.add(listener);
    }

    private RoutingTable table(String hub) {
        return hubs.computeIfAbsent(key(hub), k -> compile(store.routing(hub))).table();
    }

    private static Compiled compile(StoredRouting stored) {
        return new Compiled(stored.etag(), new RoutingTable(stored.routing()));
    }

    /** Re-reads the hubs whose etag moved; a failing store keeps the last routing (and is tried again next time). */
    void poll() {
        for (Map.Entry<String, Compiled> e : hubs.entrySet()) {
            try {
                if (!store.etag(e.getKey()).equals(e.getValue().etag())) {
                    hubs.put(e.getKey(), compile(store.routing(e.getKey())));
                }
            } catch (RuntimeException failure) {
                LOG.warn("Cannot refresh the routing of hub {}: {}", e.getKey(), failure.toString());
            }
        }
    }

    private static String key(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
