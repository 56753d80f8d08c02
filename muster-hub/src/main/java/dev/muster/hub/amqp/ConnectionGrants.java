package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CBS grants of one AMQP connection, by audience: a token put again for the same audience replaces the older
 * grant (clients renew before {@code se}), so the connection stays authorized as long as its tokens are renewed.
 */
final class ConnectionGrants {
    private final Map<String, CbsGrant> byAudience = new ConcurrentHashMap<>();

    void add(CbsGrant grant) {
        byAudience.put(grant.audience().toLowerCase(Locale.ROOT), grant);
    }

    /** Whether a service token for the hub itself (not one scoped to a path under it) is valid now. */
    boolean service(Instant now) {
        return byAudience.values().stream().anyMatch(g -> g.isService() && g.validAt(now)
                && g.audience().indexOf('/') < 0);
    }

    /**
     * Whether a valid service token covers {@code resource} ({@code {hub}/{path}}): one for the hub, for the resource
     * itself or for a path above it; with a null resource, any valid service token of the hub.
     */
    boolean serviceCovering(String resource, Instant now) {
        String r = resource == null ? null : resource.toLowerCase(Locale.ROOT);
        return byAudience.values().stream().anyMatch(g -> {
            String a = g.audience().toLowerCase(Locale.ROOT);
            return g.isService() && g.validAt(now)
                    && (r == null || a.indexOf('/') < 0 || r.equals(a) || r.startsWith(a + "/"));
        });
    }

    /** Whether a device (or module) token for exactly this queue's owner is valid now. */
    boolean device(DeviceQueue queue, Instant now) {
        return byAudience.values().stream().anyMatch(g -> !g.isService() && g.validAt(now)
                && g.device().equals(queue));
    }

    /** Until when a device (or module) token for this queue's owner lasts; null when none was put. */
    Instant deviceExpiry(DeviceQueue queue) {
        return byAudience.values().stream().filter(g -> !g.isService() && g.device().equals(queue))
                .map(CbsGrant::expiresAt).max(Instant::compareTo).orElse(null);
    }
}
