package dev.muster.hub.c2d;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.FeedbackEntry;
import dev.muster.core.hub.FeedbackRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hub's delivery feedback (DOC-C2D): records wait in the store until a service receives them, in batches of at
 * most {@link CloudToDeviceLimits#feedbackBatchSize()}. A batch the service accepts is gone; one it releases comes
 * back (dropped after {@link CloudToDeviceLimits#feedbackMaxDeliveryCount()} deliveries); records expire after the
 * feedback time to live.
 */
public final class FeedbackQueue {
    private final CloudToDeviceStore store;
    private final Clock clock;
    private final CloudToDeviceLimits limits;
    private final List<CloudToDeviceListener> listeners = new CopyOnWriteArrayList<>();

    FeedbackQueue(CloudToDeviceStore store, Clock clock, CloudToDeviceLimits limits) {
        this.store = store;
        this.clock = clock;
        this.limits = limits;
    }

    void addListener(CloudToDeviceListener listener) {
        listeners.add(listener);
    }

    void add(CloudToDeviceMessage m, FeedbackStatus status) {
        Instant now = clock.instant();
        FeedbackRecord record = new FeedbackRecord(m.content().messageId(), now, status.wireName(),
                status.description(), m.queue().deviceId(), m.deviceGenerationId());
        store.addFeedback(new FeedbackEntry(m.queue().hub(), UUID.randomUUID().toString(), record, now,
                now.plus(limits.feedbackTtl()), 0));
        for (CloudToDeviceListener l : listeners) {
            l.feedbackAvailable(m.queue().hub());
        }
    }

    /** The hub's next records, locked for one delivery; empty when there are none. */
    public Optional<FeedbackBatch> next(String hub) {
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        List<FeedbackEntry> locked = store.lockFeedback(hub, now, now.plus(limits.feedbackLockDuration()), token,
                limits.feedbackBatchSize());
        return locked.isEmpty() ? Optional.empty()
                : Optional.of(new FeedbackBatch(hub, token, locked.stream().map(FeedbackEntry::record).toList()));
    }

    /** The service accepted (or rejected) the batch: its records are gone. */
    public void complete(FeedbackBatch batch) {
        store.removeFeedback(batch.hub(), batch.lockToken());
    }

    /** The service gave the batch back, or went away holding it: its records are offered again. */
    public void release(FeedbackBatch batch) {
        if (store.releaseFeedback(batch.hub(), batch.lockToken(), clock.instant(),
                limits.feedbackMaxDeliveryCount()) > 0) {
            for (CloudToDeviceListener l : listeners) {
                l.feedbackAvailable(batch.hub());
            }
        }
    }

    void prune() {
        store.pruneFeedback(clock.instant());
    }
}
