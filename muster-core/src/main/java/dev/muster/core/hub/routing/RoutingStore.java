package dev.muster.core.hub.routing;

import java.util.Optional;

/**
 * Each built-in hub's routing configuration (hub names case-insensitive), shared by every node. Webhook headers and
 * Kafka producer properties may hold credentials: a store keeps them sealed at rest.
 */
public interface RoutingStore {
    /** The etag of a hub whose routing was never saved (it routes by {@link HubRouting#DEFAULT}). */
    String INITIAL_ETAG = "initial";

    /** The hub's routing, or the default with {@link #INITIAL_ETAG}. */
    StoredRouting routing(String hub);

    /** Only the etag: what nodes poll to learn that another node changed the routing. */
    String etag(String hub);

    /**
     * Replaces the hub's routing when its etag is {@code expectedEtag} (null: whatever it is), atomically across
     * nodes. @return the routing as now stored with its new etag, or empty when the etag did not match
     */
    Optional<StoredRouting> replace(String hub, HubRouting routing, String expectedEtag);
}
