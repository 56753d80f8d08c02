package dev.muster.hub.routing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.RouteDecision;

/**
 * Decides where a message entering a hub goes (its routes, then the fallback route). Called on the ingest path for
 * every message, so it evaluates in memory; the hub's routes are read from the store when they change.
 */
@FunctionalInterface
public interface MessageRouter {
    /** No routes: every message to the built-in endpoint, as a new IoT hub does. */
    MessageRouter BUILT_IN_ONLY = (hub, message) -> RouteDecision.BUILT_IN_ONLY;

    RouteDecision decide(String hub, EventContent message);
}
