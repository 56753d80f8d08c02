package dev.muster.hub.routing;

import dev.muster.core.IfMatch;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.StoredRouting;
import dev.muster.hub.HubError;

/**
 * Reads and replaces a hub's routing (validated first, under {@code If-Match}), and tests messages against it, as the
 * service API, CLI and portal do. A replace is applied to this node's router at once; other nodes poll.
 */
public final class RoutingService {
    private final RoutingStore store;
    private final StoredRoutesRouter router;

    public RoutingService(RoutingStore store, StoredRoutesRouter router) {
        this.store = store;
        this.router = router;
    }

    public StoredRouting routing(String hub) {
        return store.routing(hub);
    }

    /**
     * @param ifMatch the etag the caller read, or null / {@code *} for no condition
     * @throws HubError ArgumentInvalid for a routing IoT Hub would refuse, PreconditionFailed on a stale etag
     */
    public StoredRouting replace(String hub, HubRouting routing, String ifMatch) {
        RoutingValidator.validate(routing);
        String expected = IfMatch.isAny(ifMatch) ? null : current(hub, ifMatch);
        StoredRouting saved = store.replace(hub, routing, expected).orElseThrow(() -> HubError.preconditionFailed(
                "The routing of hub " + hub + " was changed since etag " + ifMatch + " was read."));
        router.changed(hub, saved);
        return saved;
    }

    /** The stored etag when the presented one names it (quotes and W/ ignored), else the presented one as given. */
    private String current(String hub, String ifMatch) {
        String stored = store.etag(hub);
        return IfMatch.matches(ifMatch, stored) ? stored : ifMatch;
    }

    /** IoT Hub's "test all routes": which of the hub's routes take the message, as ingest would decide. */
    public RouteMatch test(String hub, EventContent message) {
        return router.match(hub, message);
    }

    /**
     * IoT Hub's "test route": whether one route (saved or not) takes the message.
     * @throws HubError ArgumentInvalid when its condition does not parse, naming the position
     */
    public boolean test(Route route, EventContent message) {
        RouteCondition condition = RoutingValidator.condition(route);
        return route.source() == RoutingTable.sourceOf(message) && condition.matches(message);
    }
}
