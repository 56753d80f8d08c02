package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.RouteSource;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hooks the registry, the twins and connection tracking call when something happens that IoT Hub reports as a
 * non-telemetry event. An event is built (its body can cost a twin read) and handed to the ingest only when one of the
 * hub's enabled routes takes its source: as on IoT Hub, these events go only where routes send them. Hand-off does
 * not hold up the operation that caused it; a failure to write one is logged.
 */
public final class HubEventSources {
    private static final Logger LOG = LoggerFactory.getLogger(HubEventSources.class);

    /** No sources: what services built without a router (unit tests) use. */
    public static final HubEventSources NONE = new HubEventSources((hub, source) -> false,
            (hub, id, m) -> java.util.concurrent.CompletableFuture.completedFuture(null), Clock.systemUTC());

    /** Whether any enabled route of the hub takes messages of the source. */
    @FunctionalInterface
    public interface Wanted {
        boolean wanted(String hub, RouteSource source);
    }

    private final Wanted wanted;
    private final HubMessageSink sink;
    private final Clock clock;

    public HubEventSources(Wanted wanted, HubMessageSink sink, Clock clock) {
        this.wanted = wanted;
        this.sink = sink;
        this.clock = clock;
    }

    /** @param body the changed parts, built only when a route wants twin changes */
    public void twinChanged(String hub, String deviceId, String moduleId, String opType, Supplier<ObjectNode> body) {
        if (wanted.wanted(hub, RouteSource.TWIN_CHANGE_EVENTS)) {
            send(hub, deviceId, NonTelemetryEvents.twinChange(hub, deviceId, moduleId, opType, body.get(),
                    clock.instant()));
        }
    }

    /** @param twin the identity's twin as {@code GET /twins} shows it, read only when a route wants lifecycle events */
    public void identityCreated(String hub, String deviceId, String moduleId, Supplier<ObjectNode> twin) {
        lifecycle(hub, deviceId, moduleId, NonTelemetryEvents.CREATE_IDENTITY, twin);
    }

    public void identityDeleted(String hub, String deviceId, String moduleId, Supplier<ObjectNode> twin) {
        lifecycle(hub, deviceId, moduleId, NonTelemetryEvents.DELETE_IDENTITY, twin);
    }

    /** Whether a route wants lifecycle events: a deletion reads the twin before it is gone only then. */
    public boolean wantsLifecycle(String hub) {
        return wanted.wanted(hub, RouteSource.DEVICE_LIFECYCLE_EVENTS);
    }

    private void lifecycle(String hub, String deviceId, String moduleId, String opType, Supplier<ObjectNode> twin) {
        if (wantsLifecycle(hub)) {
            ObjectNode body = twin.get();
            if (body != null) {
                send(hub, deviceId, NonTelemetryEvents.lifecycle(hub, deviceId, moduleId, opType, body,
                        clock.instant()));
            }
        }
    }

    public void connectionChanged(String hub, String deviceId, String moduleId, boolean connected) {
        if (wanted.wanted(hub, RouteSource.DEVICE_CONNECTION_STATE_EVENTS)) {
            send(hub, deviceId, NonTelemetryEvents.connectionState(hub, deviceId, moduleId, connected,
                    clock.instant()));
        }
    }

    private void send(String hub, String deviceId, EventContent event) {
        sink.accept(hub, deviceId, event).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("could not write a {} event of {} on {}: {}",
                        event.systemProperty(dev.muster.core.hub.events.SystemProperties.OPERATION_TYPE), deviceId,
                        hub, failure.toString());
            }
        });
    }
}
