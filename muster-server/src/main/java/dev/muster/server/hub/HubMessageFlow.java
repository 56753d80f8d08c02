package dev.muster.server.hub;

import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.events.EventIngest;
import dev.muster.hub.events.EventRetention;
import dev.muster.hub.routing.HubEventSources;
import dev.muster.hub.routing.MessageRouter;
import dev.muster.hub.routing.RoutingService;
import dev.muster.hub.routing.StoredRoutesRouter;
import dev.muster.hub.routing.delivery.DispatcherOptions;
import dev.muster.hub.routing.delivery.EndpointDispatcher;
import dev.muster.hub.routing.delivery.EndpointSource;
import dev.muster.hub.connections.DeviceConnections;
import dev.muster.server.ServerConfig;
import dev.muster.store.Stores;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the messages entering a node's built-in hubs go: each hub's saved routes decide, the ingest writes them to
 * the hub's event stream and to the outboxes of custom endpoints, the dispatcher delivers from those outboxes, and old
 * events are swept once a minute. Tests may put another router or endpoint source in place and take it back.
 */
public final class HubMessageFlow implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubMessageFlow.class);
    private static final Duration ROUTING_POLL = Duration.ofSeconds(3);

    /** What the flow runs on. @param hubs every built-in hub in the database (their streams are made at start) */
    public record Options(Vertx vertx, Blocking blocking, Stores store, Clock clock, ServerConfig.EventOptions events,
                          List<BuiltInHubConfig> hubs) {}

    private final Options options;
    private final StoredRoutesRouter storedRoutes;
    private final EndpointSource storedEndpoints;
    private final EndpointDispatcher dispatcher;
    private final EndpointOutbox outbox;
    private final EventIngest ingest;
    private final long retentionTimer;
    private volatile MessageRouter router;
    private volatile EndpointSource endpointSource;

    private HubMessageFlow(Options o) {
        this.options = o;
        storedRoutes = new StoredRoutesRouter(o.store().routing(), ROUTING_POLL);
        router = storedRoutes;
        storedEndpoints = this::customEndpoints;
        endpointSource = storedEndpoints;
        // Every node delivers from the shared outbox; the endpoint source is read again on each refresh.
        dispatcher = new EndpointDispatcher(o.store().endpointOutbox(), () -> endpointSource.customEndpoints(),
                DispatcherOptions.defaults()).start();
        storedRoutes.onChange(dispatcher::refresh);
        outbox = dispatcher.waking(o.store().endpointOutbox());
        ingest = new EventIngest(EventIngest.Options.of(o.store().events(), outbox, o.clock(),
                work -> o.blocking().run(() -> {
                    work.run();
                    return null;
                })).withPartitions(o.events().partitions())
                .withRouter((hub, message) -> router.decide(hub, message)));
        // Each hub's stream is made (or found) now, so a device's first message needs no lookup.
        o.hubs().forEach(h -> ingest.stream(h.hostName()));
        EventRetention retention = new EventRetention(o.store().events(), o.clock(), o.events().retention());
        retentionTimer = o.vertx().setPeriodic(EventRetention.SWEEP_INTERVAL.toMillis(), id -> o.blocking().run(() -> {
            long removed = retention.sweep();
            if (removed > 0) {
                LOG.debug("removed {} events older than {}", removed, retention.retention());
            }
            return null;
        }));
    }

    public static HubMessageFlow start(Options options) {
        return new HubMessageFlow(options);
    }

    /**
     * Telemetry of {@code hub}'s transports goes through the ingest; twin changes, identity lifecycle and connection
     * states become messages where routes take them.
     */
    public void connect(BuiltInHub hub, DeviceConnections connections) {
        hub.telemetry().ingestInto(ingest);
        HubEventSources sources = new HubEventSources(storedRoutes::takes, ingest::ingest, options.clock());
        hub.twins().reportChangesTo(sources);
        hub.devices().reportLifecycleTo(sources);
        hub.modules().reportLifecycleTo(sources);
        connections.reportConnectionsTo(sources);
    }

    /** Every hub's custom endpoints, as its saved routing names them (what the dispatcher delivers to). */
    private Map<String, List<RouteEndpoint>> customEndpoints() {
        Map<String, List<RouteEndpoint>> out = new HashMap<>();
        for (BuiltInHubConfig h : options.hubs()) {
            List<RouteEndpoint> endpoints = options.store().routing().routing(h.hostName()).routing().endpoints();
            if (!endpoints.isEmpty()) {
                out.put(h.hostName(), endpoints);
            }
        }
        return out;
    }

    public EventIngest ingest() {
        return ingest;
    }

    /** The hubs' routing as the service API reads and saves it (a save applies here at once). */
    public RoutingService routing() {
        return new RoutingService(options.store().routing(), storedRoutes);
    }

    /** The custom endpoints' outbox as the ingest writes it (entries wake this node's delivery). */
    public EndpointOutbox outbox() {
        return outbox;
    }

    public EndpointDispatcher dispatcher() {
        return dispatcher;
    }

    /** Replaces where the custom route endpoints come from (tests); null puts back the hubs' saved routing. */
    public void endpointSource(EndpointSource source) {
        this.endpointSource = source == null ? storedEndpoints : source;
        dispatcher.refresh();
    }

    /** Replaces where each entering message goes (tests); null puts back the hubs' saved routes. */
    public void router(MessageRouter messageRouter) {
        this.router = messageRouter == null ? storedRoutes : messageRouter;
    }

    @Override
    public void close() {
        options.vertx().cancelTimer(retentionTimer);
        storedRoutes.close();
        dispatcher.close();
    }
}
