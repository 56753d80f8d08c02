package dev.muster.hub.eventhubs;

import java.time.Instant;

/**
 * Where a partition receiver starts, as its selector filter says (reference §6.3). Offsets are sequence numbers as
 * text on this endpoint (see {@code HubEvent#offset}), so an offset position is a sequence position.
 */
sealed interface StartPosition {
    /** Offset {@code -1}: the first retained event. */
    record Earliest() implements StartPosition {}

    /** Offset {@code @latest}: only events enqueued after the link attached. */
    record Latest() implements StartPosition {}

    record Sequence(long sequence, boolean inclusive) implements StartPosition {}

    /** @param time at millisecond precision, as clients send it */
    record EnqueuedTime(Instant time, boolean inclusive) implements StartPosition {}
}
