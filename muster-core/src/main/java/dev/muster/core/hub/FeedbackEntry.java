package dev.muster.core.hub;

import java.time.Instant;

/**
 * A feedback record waiting in a hub's feedback queue for a service to receive it.
 *
 * @param hub the hub's host name, lower-cased
 * @param id the queue entry's identifier
 */
public record FeedbackEntry(String hub, String id, FeedbackRecord record, Instant enqueuedAt, Instant expiresAt,
                            int deliveryCount) {
}
