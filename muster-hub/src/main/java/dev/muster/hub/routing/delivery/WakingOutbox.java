package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;

/** An outbox that tells this node's dispatcher about every enqueue, so delivery starts without waiting for a poll. */
final class WakingOutbox implements EndpointOutbox {
    private final EndpointOutbox store;
    private final BiConsumer<String, String> wake;

    WakingOutbox(EndpointOutbox store, BiConsumer<String, String> wake) {
        this.store = store;
        this.wake = wake;
    }

    @Override
    public void enqueue(String hub, String endpoint, Instant enqueuedTime, List<EventContent> messages) {
        store.enqueue(hub, endpoint, enqueuedTime, messages);
        wake.accept(hub, endpoint);
    }

    @Override
    public List<OutboxEntry> lockDue(String hub, String endpoint, Instant now, Instant lockedUntil, String lockToken,
                                     int max) {
        return store.lockDue(hub, endpoint, now, lockedUntil, lockToken, max);
    }

    @Override
    public int remove(String hub, String endpoint, List<Long> ids, String lockToken) {
        return store.remove(hub, endpoint, ids, lockToken);
    }

    @Override
    public boolean retryLater(String hub, String endpoint, long id, String lockToken, Instant nextAttemptAt,
                              String error) {
        return store.retryLater(hub, endpoint, id, lockToken, nextAttemptAt, error);
    }

    @Override
    public boolean deadLetter(String hub, String endpoint, long id, String lockToken, String error) {
        return store.deadLetter(hub, endpoint, id, lockToken, error);
    }

    @Override
    public List<OutboxEntry> deadLetters(String hub, String endpoint, long afterId, int max) {
        return store.deadLetters(hub, endpoint, afterId, max);
    }

    /** Replayed entries are due now: wake the endpoint (any of the hub's when none is named). */
    @Override
    public int replay(String hub, String endpoint, List<Long> ids, Instant now) {
        int n = store.replay(hub, endpoint, ids, now);
        if (n > 0 && endpoint != null) {
            wake.accept(hub, endpoint);
        }
        return n;
    }

    @Override
    public long backlog(String hub, String endpoint) {
        return store.backlog(hub, endpoint);
    }
}
