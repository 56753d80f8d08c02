package dev.muster.hub.routing;

import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteDecision;
import java.util.List;

/**
 * How a hub's routing treated one message: the enabled routes of its source whose condition held, whether the
 * fallback route took it instead, and where it therefore goes.
 */
public record RouteMatch(List<Route> matched, boolean fallback, RouteDecision decision) {
    public RouteMatch {
        matched = List.copyOf(matched);
    }
}
