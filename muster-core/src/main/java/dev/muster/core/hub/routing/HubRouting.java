package dev.muster.core.hub.routing;

import java.util.List;
import java.util.Optional;

/**
 * A hub's whole routing configuration, replaced as one (as ARM's {@code RoutingProperties}): its custom endpoints,
 * its routes in order, and the fallback route, which takes device messages no route matched.
 */
public record HubRouting(List<RouteEndpoint> endpoints, List<Route> routes, Route fallback) {
    /** ARM's name of the fallback route. */
    public static final String FALLBACK_NAME = "$fallback";

    /** A new hub's fallback route: enabled, every device message to the built-in endpoint. */
    public static final Route DEFAULT_FALLBACK = new Route(FALLBACK_NAME, RouteSource.DEVICE_MESSAGES, "true",
            List.of(RouteEndpoint.BUILT_IN_EVENTS), true);

    /** What a hub that was never configured routes by. */
    public static final HubRouting DEFAULT = new HubRouting(List.of(), List.of(), DEFAULT_FALLBACK);

    public HubRouting {
        endpoints = List.copyOf(endpoints);
        routes = List.copyOf(routes);
        fallback = fallback == null ? DEFAULT_FALLBACK : fallback;
    }

    public Optional<RouteEndpoint> endpoint(String name) {
        return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
