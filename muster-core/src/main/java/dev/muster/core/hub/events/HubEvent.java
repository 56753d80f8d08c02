package dev.muster.core.hub.events;

import java.time.Instant;

/**
 * An event as stored in one partition of a hub's event stream. Sequence numbers start at 0 in each partition and
 * grow by one per event in the order the events were committed, so a reader that has seen {@code n} never misses a
 * later event. The offset Event Hubs clients see is the sequence number as text.
 */
public record HubEvent(int partition, long sequence, Instant enqueuedTime, EventContent content) {
    public String offset() {
        return Long.toString(sequence);
    }
}
