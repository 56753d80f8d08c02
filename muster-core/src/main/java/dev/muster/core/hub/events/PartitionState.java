package dev.muster.core.hub.events;

import java.time.Instant;

/**
 * What a partition holds now: the first retained sequence number and the last enqueued one. An empty partition that
 * once held events keeps counting: {@code beginSequence} is then {@code lastSequence + 1}.
 *
 * @param lastSequence -1 when nothing was ever enqueued
 * @param lastEnqueuedTime null when nothing was ever enqueued
 */
public record PartitionState(int partition, long beginSequence, long lastSequence, Instant lastEnqueuedTime,
                             boolean empty) {
    /** The sequence number the next event will get. */
    public long nextSequence() {
        return lastSequence + 1;
    }
}
