package dev.muster.core.hub.routing;

import dev.muster.core.hub.events.EventContent;
import java.time.Instant;

/**
 * A message waiting in a custom endpoint's outbox, or dead-lettered from it.
 *
 * @param id assigned by the store, increasing in the order messages were enqueued for that endpoint
 * @param nextAttemptAt when the entry is (or was, if locked) due; for a dead letter, when it was dead-lettered
 * @param lastError why the last delivery attempt failed, null before the first
 */
public record OutboxEntry(String hub, String endpoint, long id, Instant enqueuedTime, int attempts,
                          Instant nextAttemptAt, String lastError, EventContent content) {}
