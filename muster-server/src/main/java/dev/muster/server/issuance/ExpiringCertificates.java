package dev.muster.server.issuance;

import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.server.metrics.RefreshedValue;
import dev.muster.transport.Blocking;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per instance, the registrations whose newest certificate is not revoked and expires within {@link #WINDOW}: what
 * {@code muster_issued_certificates_expiring_soon} shows. Counted by one query for all instances at most every
 * {@link #REFRESH}, on the worker pool: a scrape reads the last count and, when it is older, starts the next one, so
 * scraping never waits for the database nor costs a query each time.
 */
public final class ExpiringCertificates {
    public static final Duration WINDOW = Duration.ofDays(7);
    static final Duration REFRESH = Duration.ofSeconds(60);

    private final IssuanceStore store;
    private final InstanceStore instances;
    private final Clock clock;
    private final RefreshedValue<Map<String, Long>> counts;

    public ExpiringCertificates(IssuanceStore store, InstanceStore instances, Blocking blocking, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.clock = clock;
        this.counts = new RefreshedValue<>("the certificates expiring soon", this::count, Map.of(), REFRESH, blocking,
                clock);
    }

    /** The last count (every instance, 0 where none expires); starts a new count when it is older than REFRESH. */
    public Map<String, Long> counts() {
        return counts.get();
    }

    private Map<String, Long> count() {
        Instant now = clock.instant();
        Map<String, Long> fresh = new TreeMap<>();
        for (ProvisioningInstance i : instances.listInstances()) {
            fresh.put(i.name(), 0L);
        }
        fresh.putAll(store.expiringSoon(now, now.plus(WINDOW)));
        return Map.copyOf(fresh);
    }
}
