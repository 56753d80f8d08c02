package dev.muster.hub.c2d;

import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Finds queues with messages that became visible since the last poll — queued by another node sharing the
 * database, abandoned there, or whose lock ran out anywhere — and tells {@code local} (this node's device
 * connections), which hands them out if it holds that device. Each poll reads back {@link #OVERLAP} before the
 * previous one, so a row committed late or stamped by a node whose clock is a little behind is still seen; telling a
 * connection twice costs one empty lock attempt.
 */
public final class CloudToDeviceRelay {
    public static final Duration OVERLAP = Duration.ofSeconds(5);
    private static final int PAGE = 1000;

    private final CloudToDeviceStore store;
    private final Clock clock;
    private final CloudToDeviceListener local;
    private Instant readFrom;

    public CloudToDeviceRelay(CloudToDeviceStore store, Clock clock, CloudToDeviceListener local) {
        this.store = store;
        this.clock = clock;
        this.local = local;
        this.readFrom = clock.instant();
    }

    /** @return how many queues were signalled */
    public synchronized int poll() {
        Instant now = clock.instant();
        List<DeviceQueue> queues = store.queuesVisibleBetween(readFrom.minus(OVERLAP), now, PAGE);
        queues.forEach(local::messageAvailable);
        readFrom = now;
        return queues.size();
    }
}
