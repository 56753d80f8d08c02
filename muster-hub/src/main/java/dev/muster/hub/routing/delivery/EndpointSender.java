package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.routing.OutboxEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers outbox entries to one custom endpoint. {@link #send} may be called for a whole batch before any completes;
 * the future completes (never exceptionally) once the endpoint answered or the attempt failed.
 */
public interface EndpointSender extends AutoCloseable {
    CompletableFuture<DeliveryResult> send(OutboxEntry entry);

    /** Sends a pass's batch; a sender that can tell the whole batch will fail (no broker) answers without waiting. */
    default List<CompletableFuture<DeliveryResult>> sendAll(List<OutboxEntry> batch) {
        return batch.stream().map(this::send).toList();
    }

    /** How many entries one pass locks and sends at once. */
    int batchSize();

    /** Attempts before an entry is dead-lettered ({@link Integer#MAX_VALUE}: retried until delivered). */
    int maxAttempts();

    /** Releases the endpoint's connections (a Kafka producer); called when the endpoint is removed or changed. */
    @Override
    void close();
}
