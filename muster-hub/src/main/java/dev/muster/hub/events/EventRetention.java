package dev.muster.hub.events;

import dev.muster.core.hub.events.HubEventStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Removes events older than the retention period (Event Hubs' message retention, 1 day by default), oldest first and
 * a bounded number per statement so a sweep after a long outage never holds one huge transaction. Every node may run
 * it: removing what another node already removed is harmless.
 */
public final class EventRetention {
    public static final Duration DEFAULT = Duration.ofDays(1);
    public static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    private static final int PER_ROUND = 10_000;

    private final HubEventStore events;
    private final Clock clock;
    private final Duration retention;

    public EventRetention(HubEventStore events, Clock clock, Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("Event retention must be positive, not " + retention);
        }
        this.events = events;
        this.clock = clock;
        this.retention = retention;
    }

    public Duration retention() {
        return retention;
    }

    /** @return how many events were removed */
    public long sweep() {
        var cutoff = clock.instant().minus(retention);
        long total = 0;
        int removed;
        do {
            removed = events.removeEnqueuedBefore(cutoff, PER_ROUND);
            total += removed;
        } while (removed == PER_ROUND);
        return total;
    }
}
