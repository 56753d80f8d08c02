package dev.muster.core.hub.routing;

import java.util.List;

/**
 * Where one message goes: to the built-in events stream or not, and to which custom endpoints. A message no route
 * takes goes to the fallback route's endpoint when it is enabled, else nowhere (IoT Hub drops it).
 */
public record RouteDecision(boolean builtInEvents, List<RouteEndpoint> customEndpoints) {
    /** What a hub without routes does: everything to the built-in endpoint (IoT Hub's fallback route). */
    public static final RouteDecision BUILT_IN_ONLY = new RouteDecision(true, List.of());

    public RouteDecision {
        customEndpoints = List.copyOf(customEndpoints);
    }
}
