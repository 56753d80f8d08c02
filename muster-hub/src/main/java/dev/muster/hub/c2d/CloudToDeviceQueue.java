package dev.muster.hub.c2d;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubDevice;
import dev.muster.hub.DeviceRegistry;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The lifecycle of cloud-to-device messages (DOC-C2D), whatever protocol sends or receives them: a message is
 * enqueued (at most {@link CloudToDeviceLimits#maxQueueDepth()} per device, 403004 beyond), handed to the device under
 * a lock, and then completed, abandoned (back in the queue, one delivery more; dead-lettered after
 * {@link CloudToDeviceLimits#maxDeliveryCount()}), rejected, or released unchanged when the device went away. Messages
 * expire after their time to live. Each outcome the sender asked for with {@code iothub-ack} becomes a feedback record.
 */
public final class CloudToDeviceQueue {
    /** Expired messages handled per sweep; the next sweep takes the rest. */
    private static final int EXPIRY_BATCH = 200;

    private final DeviceRegistry devices;
    private final CloudToDeviceStore store;
    private final FeedbackQueue feedback;
    private final Clock clock;
    private final CloudToDeviceLimits limits;
    private final List<CloudToDeviceListener> listeners = new CopyOnWriteArrayList<>();

    public CloudToDeviceQueue(DeviceRegistry devices, CloudToDeviceStore store, Clock clock, CloudToDeviceLimits limits) {
        this.devices = devices;
        this.store = store;
        this.clock = clock;
        this.limits = limits;
        this.feedback = new FeedbackQueue(store, clock, limits);
    }

    public FeedbackQueue feedback() {
        return feedback;
    }

    public CloudToDeviceLimits limits() {
        return limits;
    }

    public void addListener(CloudToDeviceListener listener) {
        listeners.add(listener);
        feedback.addListener(listener);
    }

    /**
     * Queues a message for a device (or module) of {@code hub}.
     *
     * @param absoluteExpiry the sender's absolute-expiry-time; null = the hub's default time to live
     * @throws HubError 404001 unknown device, 413001 body too large, 403004 queue full, 400004 bad iothub-ack
     */
    public CloudToDeviceMessage send(DeviceQueue queue, CloudToDeviceContent content, Instant absoluteExpiry) {
        if (content.body().length > limits.maxBodyBytes()) {
            throw new HubError(HubErrorCode.MESSAGE_TOO_LARGE, "The message body is " + content.body().length
                    + " bytes; a cloud-to-device message may carry at most " + limits.maxBodyBytes() + ".");
        }
        Acknowledgement.parse(content.ack());
        HubDevice device = devices.device(queue.hub(), queue.deviceId())
                .orElseThrow(() -> HubError.deviceNotFound(queue.deviceId()));
        Instant now = clock.instant();
        Instant expiry = expiry(now, absoluteExpiry);
        CloudToDeviceMessage message = new CloudToDeviceMessage(queue, UUID.randomUUID().toString(), 0, content,
                device.generationId(), now, expiry, 0, null);
        // A full queue may be full of expired messages the sweep has not reached yet: they make room first.
        boolean queued = store.enqueue(message, limits.maxQueueDepth())
                || expire(store.messages(queue), now) > 0 && store.enqueue(message, limits.maxQueueDepth());
        if (!queued) {
            throw new HubError(HubErrorCode.DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED, "The cloud-to-device queue of device "
                    + queue.deviceId() + " already holds " + limits.maxQueueDepth() + " messages.");
        }
        available(queue);
        return message;
    }

    /** The sender's expiry, capped to the hub's longest time to live; the default one when none was given. */
    private Instant expiry(Instant now, Instant absoluteExpiry) {
        if (absoluteExpiry == null) {
            return now.plus(limits.defaultTtl());
        }
        Instant latest = now.plus(limits.maxTtl());
        return absoluteExpiry.isAfter(latest) ? latest : absoluteExpiry;
    }

    /**
     * Locks the next message the device may receive now; empty when there is none. Messages sent to an earlier
     * device of the same ID (deleted and created again since: another generation) are dropped, as IoT Hub drops a
     * deleted device's queue.
     */
    public Optional<CloudToDeviceMessage> next(DeviceQueue queue) {
        String generation = null;
        while (true) {
            Instant now = clock.instant();
            Optional<CloudToDeviceMessage> m = store.lockNext(queue, now, now.plus(limits.lockDuration()),
                    UUID.randomUUID().toString());
            if (m.isEmpty()) {
                return m;
            }
            if (generation == null) {
                generation = devices.device(queue.hub(), queue.deviceId()).map(HubDevice::generationId).orElse("");
            }
            if (m.get().deviceGenerationId() == null || m.get().deviceGenerationId().equals(generation)) {
                return m;
            }
            store.removeLocked(queue, m.get().id(), m.get().lockToken());
        }
    }

    /**
     * The message of the queue locked under {@code lockToken}: what an HTTPS device names when it settles one (the
     * lock is its ETag). Empty once settled, or taken again after its lock ran out.
     */
    public Optional<CloudToDeviceMessage> locked(DeviceQueue queue, String lockToken) {
        return store.messages(queue).stream().filter(m -> lockToken.equals(m.lockToken())).findFirst();
    }

    /** The device took the message (PUBACK, AMQP accepted). @return false if its lock was lost meanwhile */
    public boolean complete(CloudToDeviceMessage locked) {
        if (!store.removeLocked(locked.queue(), locked.id(), locked.lockToken())) {
            return false;
        }
        if (ack(locked).onSuccess()) {
            feedback.add(locked, FeedbackStatus.SUCCESS);
        }
        return true;
    }

    /** The device gave the message back (AMQP released): one delivery more, dead-lettered at the maximum. */
    public boolean abandon(CloudToDeviceMessage locked) {
        int count = locked.deliveryCount() + 1;
        if (count >= limits.maxDeliveryCount()) {
            return deadLetter(locked, FeedbackStatus.DELIVERY_COUNT_EXCEEDED);
        }
        boolean back = store.unlock(locked.queue(), locked.id(), locked.lockToken(), clock.instant(), count);
        if (back) {
            available(locked.queue());
        }
        return back;
    }

    /** The device refused the message (AMQP rejected): dead-lettered. */
    public boolean reject(CloudToDeviceMessage locked) {
        return deadLetter(locked, FeedbackStatus.REJECTED);
    }

    /**
     * The connection holding the message went away before settling it: back in the queue at once, with no delivery
     * counted (as when a lock runs out, which IoT Hub does not count either).
     */
    public boolean release(CloudToDeviceMessage locked) {
        boolean back = store.unlock(locked.queue(), locked.id(), locked.lockToken(), clock.instant(),
                locked.deliveryCount());
        if (back) {
            available(locked.queue());
        }
        return back;
    }

    private boolean deadLetter(CloudToDeviceMessage locked, FeedbackStatus why) {
        if (!store.removeLocked(locked.queue(), locked.id(), locked.lockToken())) {
            return false;
        }
        if (ack(locked).onFailure()) {
            feedback.add(locked, why);
        }
        return true;
    }

    /** Dead-letters every expired message of every queue (feedback {@code Expired}). @return how many */
    public int expireDue() {
        Instant now = clock.instant();
        int expired = expire(store.expiredMessages(now, EXPIRY_BATCH), now);
        feedback.prune();
        return expired;
    }

    private int expire(List<CloudToDeviceMessage> messages, Instant now) {
        int expired = 0;
        for (CloudToDeviceMessage m : messages) {
            // Only the node whose delete took the row reports it, so feedback is written once.
            if (m.expiredAt(now) && store.remove(m.queue(), m.id())) {
                expired++;
                if (ack(m).onFailure()) {
                    feedback.add(m, FeedbackStatus.EXPIRED);
                }
            }
        }
        return expired;
    }

    /**
     * Empties a device's queue ({@code DELETE /devices/{id}/commands}); senders that asked for negative feedback get
     * {@code Purged}. @return how many messages were removed
     */
    public int purge(String hub, String deviceId) {
        devices.device(hub, deviceId).orElseThrow(() -> HubError.deviceNotFound(deviceId));
        int purged = 0;
        for (CloudToDeviceMessage m : store.messages(DeviceQueue.device(hub, deviceId))) {
            if (store.remove(m.queue(), m.id())) {
                purged++;
                if (ack(m).onFailure()) {
                    feedback.add(m, FeedbackStatus.PURGED);
                }
            }
        }
        return purged;
    }

    /** Messages waiting for the device, locked ones included: the registry's {@code cloudToDeviceMessageCount}. */
    public int pendingCount(String hub, String deviceId) {
        return store.depth(DeviceQueue.device(hub, deviceId));
    }

    /** How long a locked message stays invisible: when an unsettled message reappears. */
    public Duration lockDuration() {
        return limits.lockDuration();
    }

    /** A queue may have messages to hand out that this node did not put there (found by the relay). */
    public void announce(DeviceQueue queue) {
        available(queue);
    }

    void available(DeviceQueue queue) {
        for (CloudToDeviceListener l : listeners) {
            l.messageAvailable(queue);
        }
    }

    /** A stored message's iothub-ack; one stored with a value no longer understood counts as none. */
    private static Acknowledgement ack(CloudToDeviceMessage m) {
        try {
            return Acknowledgement.parse(m.content().ack());
        } catch (HubError e) {
            return Acknowledgement.NONE;
        }
    }
}
