package dev.muster.core.testing;

import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.StoredRouting;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@link RoutingStore} in memory with the JDBC store's semantics; every method is synchronized on the store. */
public final class InMemoryRoutingStore implements RoutingStore {
    private final Map<String, StoredRouting> routing = new HashMap<>();

    @Override
    public synchronized StoredRouting routing(String hub) {
        return routing.getOrDefault(key(hub), new StoredRouting(HubRouting.DEFAULT, INITIAL_ETAG));
    }

    @Override
    public synchronized String etag(String hub) {
        return routing(hub).etag();
    }

    @Override
    public synchronized Optional<StoredRouting> replace(String hub, HubRouting next, String expectedEtag) {
        if (expectedEtag != null && !routing(hub).etag().equals(expectedEtag)) {
            return Optional.empty();
        }
        StoredRouting stored = new StoredRouting(next, UUID.randomUUID().toString());
        routing.put(key(hub), stored);
        return Optional.of(stored);
    }

    private static String key(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }
}
