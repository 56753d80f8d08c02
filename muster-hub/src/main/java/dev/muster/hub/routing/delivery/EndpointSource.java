package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.routing.RouteEndpoint;
import java.util.List;
import java.util.Map;

/**
 * The routing configuration as the dispatcher sees it: every hub's custom endpoints, read again now and then (and
 * whenever {@link EndpointDispatcher#refresh} is called), so endpoints added, changed or removed on any node of the
 * deployment start, restart or stop their delivery here too.
 */
@FunctionalInterface
public interface EndpointSource {
    EndpointSource NONE = Map::of;

    /** Hub host name → that hub's custom endpoints. */
    Map<String, List<RouteEndpoint>> customEndpoints();
}
