package dev.muster.it.routing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.hub.routing.delivery.Backoff;
import dev.muster.hub.routing.delivery.DispatcherOptions;
import dev.muster.hub.routing.delivery.EndpointDispatcher;
import dev.muster.store.Database;
import dev.muster.store.Stores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The durable outbox on an embedded H2 database with a dispatcher delivering it, for the route endpoint ITs: messages
 * are enqueued as the hub's ingest path enqueues them (the ingest path is not wired to routes yet), and the endpoints
 * are what {@link #endpoints} holds.
 */
final class OutboxUnderTest implements AutoCloseable {
    static final String HUB = "hub-routes.example.net";
    static final DispatcherOptions FAST = DispatcherOptions.defaults()
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5))
            .withPolling(Duration.ofMillis(100), Duration.ofMillis(200));

    final List<RouteEndpoint> endpoints = new CopyOnWriteArrayList<>();
    private final Path dataDir;
    private final Database database;
    final EndpointOutbox store;
    final EndpointDispatcher dispatcher;
    final EndpointOutbox outbox;

    OutboxUnderTest(DispatcherOptions options) throws IOException {
        dataDir = Files.createTempDirectory("muster-outbox-it");
        database = Database.embedded(dataDir);
        store = Stores.open(database).endpointOutbox();
        dispatcher = new EndpointDispatcher(store, () -> Map.of(HUB, List.copyOf(endpoints)), options).start();
        outbox = dispatcher.waking(store);
    }

    void use(RouteEndpoint... now) {
        endpoints.clear();
        endpoints.addAll(List.of(now));
        dispatcher.refresh();
    }

    /** A telemetry message as the hub stamps it: device ID, message ID, content type, one application property. */
    static EventContent telemetry(String deviceId, int n) {
        Map<String, String> app = new LinkedHashMap<>();
        app.put("seq", Integer.toString(n));
        app.put("kind", "reading");
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put("message-id", deviceId + "-" + n);
        sys.put("content-type", "application/json");
        sys.put("iothub-connection-device-id", deviceId);
        sys.put("iothub-enqueuedtime", Instant.now().toString());
        sys.put("iothub-message-source", "Telemetry");
        return new EventContent(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), app, sys);
    }

    void send(String endpoint, List<EventContent> messages) {
        outbox.enqueue(HUB, endpoint, Instant.now(), messages);
    }

    static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws IOException {
        dispatcher.close();
        database.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
