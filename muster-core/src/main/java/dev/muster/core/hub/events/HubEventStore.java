package dev.muster.core.hub.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The built-in hubs' event streams (what the Event Hubs-compatible endpoint serves), shared by every node of a
 * deployment: events are on disk before a device's message is acknowledged, and readers page through them, so a slow
 * consumer costs disk, never server memory. Sequence numbers are handed out by the store in commit order (see
 * {@link HubEvent}); retention, routing and partitioning are the hub's decisions.
 */
public interface HubEventStore {
    /** Creates the hub's stream with its partitions; false if it already exists (whatever its layout). */
    boolean createStream(EventStream stream);

    Optional<EventStream> stream(String hub);

    /**
     * Appends the events to one partition, in order, all enqueued at {@code enqueuedTime}, and returns them as
     * stored with consecutive sequence numbers. Concurrent appends to the same partition (from any node) serialise.
     * @throws IllegalArgumentException for a hub without a stream or a partition it does not have
     */
    List<HubEvent> append(String hub, int partition, Instant enqueuedTime, List<EventContent> events);

    /** Up to {@code max} events with sequence numbers from {@code fromSequence} on, in order. */
    List<HubEvent> read(String hub, int partition, long fromSequence, int max);

    /** The sequence number of the first retained event enqueued at or after {@code time}; the next one if none. */
    long firstSequenceEnqueuedAtOrAfter(String hub, int partition, Instant time);

    PartitionState partition(String hub, int partition);

    /** Removes events of every hub enqueued before {@code cutoff}, at most {@code limit}. @return how many */
    int removeEnqueuedBefore(Instant cutoff, int limit);

    // ---- consumer groups ----------------------------------------------------------------------------------------

    /** The hub's consumer groups by name, {@link ConsumerGroup#DEFAULT} first. */
    List<ConsumerGroup> consumerGroups(String hub);

    /** @return false if the hub already has a group of that name */
    boolean addConsumerGroup(String hub, ConsumerGroup group);

    /** @return false if there was none; {@link ConsumerGroup#DEFAULT} is never removed */
    boolean removeConsumerGroup(String hub, String name);

    // ---- owner levels (epoch receivers) --------------------------------------------------------------------------

    /**
     * Records {@code owner} as the partition's owner unless one with a higher owner level holds it.
     * @return false if a higher level holds it
     */
    boolean claimOwner(String hub, String consumerGroup, int partition, PartitionOwner owner);

    Optional<PartitionOwner> owner(String hub, String consumerGroup, int partition);

    /** Forgets the owner if {@code holder} still is it (its link closed). */
    void releaseOwner(String hub, String consumerGroup, int partition, String holder);
}
