package dev.muster.core.hub;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The built-in hubs' cloud-to-device queues (one per device or module) and feedback queues (one per hub), shared by
 * every node of a deployment. Every change is conditional on what the caller last saw (a lock token, a visibility
 * time, the queue depth), so two nodes never hand out, complete or count the same message twice. Expiry, delivery
 * counts and feedback are the hub's decisions, not the store's: it only keeps and swaps rows.
 */
public interface CloudToDeviceStore {
    /**
     * Appends the message to its queue unless the queue already holds {@code maxDepth} messages (counting locked
     * ones); the store assigns its sequence. @return false when the queue is full
     */
    boolean enqueue(CloudToDeviceMessage message, int maxDepth);

    /**
     * Locks the queue's oldest message that is visible at {@code now} and not expired, until {@code lockedUntil},
     * under {@code lockToken}. @return the message as locked, empty when none is visible
     */
    Optional<CloudToDeviceMessage> lockNext(DeviceQueue queue, Instant now, Instant lockedUntil, String lockToken);

    /** Removes a message still locked under {@code lockToken} (completed or dead-lettered). @return false if not */
    boolean removeLocked(DeviceQueue queue, String id, String lockToken);

    /**
     * Puts a message still locked under {@code lockToken} back in the queue, visible from {@code visibleAt}, with
     * {@code deliveryCount}. @return false if it is no longer locked under that token
     */
    boolean unlock(DeviceQueue queue, String id, String lockToken, Instant visibleAt, int deliveryCount);

    /** Removes a message whatever its state. @return false if it was already gone (another node took it) */
    boolean remove(DeviceQueue queue, String id);

    /** The queue's messages in order, locked ones included. */
    List<CloudToDeviceMessage> messages(DeviceQueue queue);

    /** How many messages the queue holds, locked ones included. */
    int depth(DeviceQueue queue);

    /** The depths of these devices' own queues (not their modules'), in one read; devices without a queue are left out. */
    java.util.Map<String, Integer> deviceDepths(String hub, java.util.Collection<String> deviceIds);

    /** Messages of any queue whose expiry is at or before {@code now}, oldest expiry first, at most {@code limit}. */
    List<CloudToDeviceMessage> expiredMessages(Instant now, int limit);

    /**
     * Queues holding a message that became visible in ({@code after}, {@code upTo}]: newly enqueued, abandoned, or
     * whose lock ran out. How a node learns of messages for devices it holds when another node queued them.
     */
    List<DeviceQueue> queuesVisibleBetween(Instant after, Instant upTo, int limit);

    // ---- feedback ---------------------------------------------------------------------------------------------

    void addFeedback(FeedbackEntry entry);

    /**
     * Locks up to {@code max} of the hub's visible, unexpired feedback entries, oldest first, until
     * {@code lockedUntil} under {@code lockToken}.
     */
    List<FeedbackEntry> lockFeedback(String hub, Instant now, Instant lockedUntil, String lockToken, int max);

    /** Removes the entries locked under {@code lockToken} (the service accepted them). @return how many */
    int removeFeedback(String hub, String lockToken);

    /**
     * Puts the entries locked under {@code lockToken} back, visible from {@code visibleAt}, each with one more
     * delivery; entries that reach {@code maxDeliveryCount} are removed instead. @return how many went back
     */
    int releaseFeedback(String hub, String lockToken, Instant visibleAt, int maxDeliveryCount);

    /** Removes feedback expired at {@code now}. @return how many */
    int pruneFeedback(Instant now);
}
