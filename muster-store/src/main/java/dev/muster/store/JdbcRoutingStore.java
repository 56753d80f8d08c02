package dev.muster.store;

import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.StoredRouting;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The built-in hubs' routing configurations (table hub_routing, see V18), replaced whole under an etag. */
final class JdbcRoutingStore implements RoutingStore {
    private final Jdbc jdbc;
    private final SecretBox secrets;

    JdbcRoutingStore(Jdbc jdbc, SecretBox secrets) {
        this.jdbc = jdbc;
        this.secrets = secrets;
    }

    @Override
    public StoredRouting routing(String hub) {
        return jdbc.one("SELECT document, etag FROM hub_routing WHERE hub_key = ?",
                        r -> new StoredRouting(RoutingDocument.read(r.getString("document"), secrets),
                                r.getString("etag")), Documents.key(hub))
                .orElse(new StoredRouting(HubRouting.DEFAULT, INITIAL_ETAG));
    }

    @Override
    public String etag(String hub) {
        return jdbc.one("SELECT etag FROM hub_routing WHERE hub_key = ?", r -> r.getString(1), Documents.key(hub))
                .orElse(INITIAL_ETAG);
    }

    @Override
    public Optional<StoredRouting> replace(String hub, HubRouting routing, String expectedEtag) {
        String key = Documents.key(hub);
        String document = RoutingDocument.write(routing, secrets);
        String etag = UUID.randomUUID().toString();
        Instant now = Instant.now();
        StoredRouting stored = new StoredRouting(routing, etag);
        String insert = "INSERT INTO hub_routing (hub_key, document, etag, updated_at) VALUES (?, ?, ?, ?)";
        String update = "UPDATE hub_routing SET document = ?, etag = ?, updated_at = ? WHERE hub_key = ?";
        if (expectedEtag == null) {
            jdbc.upsert(update, new Object[] {document, etag, now, key}, insert, new Object[] {key, document, etag, now});
            return Optional.of(stored);
        }
        if (expectedEtag.equals(INITIAL_ETAG)) {
            // A first save: the insert fails on the key when another node saved first.
            return jdbc.transaction(c -> {
                Jdbc.update(c, insert, key, document, etag, now);
                return Optional.of(stored);
            }, Optional.empty());
        }
        int changed = jdbc.update(update + " AND etag = ?", document, etag, now, key, expectedEtag);
        return changed == 1 ? Optional.of(stored) : Optional.empty();
    }
}
