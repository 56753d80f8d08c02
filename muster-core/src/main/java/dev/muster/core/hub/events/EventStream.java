package dev.muster.core.hub.events;

import java.time.Instant;

/**
 * How a hub's event stream is laid out: fixed when the hub's stream is created (as an Event Hub's partition count).
 *
 * @param createdAt reported to Event Hubs clients as the hub's creation time
 */
public record EventStream(String hub, int partitionCount, Instant createdAt) {
    public static final int DEFAULT_PARTITIONS = 4;

    public EventStream {
        if (partitionCount < 1 || partitionCount > 32) {
            throw new IllegalArgumentException("A hub's event stream has 1 to 32 partitions, not " + partitionCount);
        }
    }
}
