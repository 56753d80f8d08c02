package dev.muster.core.hub.routing;

import dev.muster.core.hub.events.EventContent;
import java.time.Instant;
import java.util.List;

/**
 * Messages routed to custom endpoints, on disk before the device's message is acknowledged, until the endpoint took
 * them (or they ran out of attempts and were dead-lettered, where the operator can list and replay them). Shared by
 * every node: a batch is locked by one node at a time, so two nodes never deliver the same message concurrently.
 */
public interface EndpointOutbox {
    void enqueue(String hub, String endpoint, Instant enqueuedTime, List<EventContent> messages);

    /**
     * Locks up to {@code max} of the endpoint's entries due at {@code now} (earliest due first, then id order) until
     * {@code lockedUntil} under {@code lockToken}. An entry whose lock ran out (its node died mid-delivery) is due
     * again; {@code lockToken} must be new for each call.
     */
    List<OutboxEntry> lockDue(String hub, String endpoint, Instant now, Instant lockedUntil, String lockToken, int max);

    /** Removes delivered entries still locked under {@code lockToken}. @return how many */
    int remove(String hub, String endpoint, List<Long> ids, String lockToken);

    /** Unlocks an entry after a failed attempt: due again at {@code nextAttemptAt}, one more attempt counted. */
    boolean retryLater(String hub, String endpoint, long id, String lockToken, Instant nextAttemptAt, String error);

    /** Moves an entry still locked under {@code lockToken} to the endpoint's dead letters. */
    boolean deadLetter(String hub, String endpoint, long id, String lockToken, String error);

    /** Dead letters of a hub (all endpoints when {@code endpoint} is null) after {@code afterId}, in id order. */
    List<OutboxEntry> deadLetters(String hub, String endpoint, long afterId, int max);

    /**
     * Puts dead letters back in their endpoint's outbox (any endpoint of the hub when {@code endpoint} is null: ids
     * are unique in the store), due now, with no attempts counted. @return how many
     */
    int replay(String hub, String endpoint, List<Long> ids, Instant now);

    /** Entries waiting (not dead) for the endpoint: what `/metrics` and the portal show as its backlog. */
    long backlog(String hub, String endpoint);
}
