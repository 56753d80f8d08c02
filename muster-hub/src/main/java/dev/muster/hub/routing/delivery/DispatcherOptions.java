package dev.muster.hub.routing.delivery;

import java.time.Clock;
import java.time.Duration;

/**
 * How the dispatcher paces delivery.
 *
 * @param webhookBatch   POSTs in flight at once per webhook (and entries locked per pass)
 * @param kafkaBatch     records sent per pass to a Kafka endpoint before waiting for their acknowledgements
 * @param lock           how long a pass holds its entries; must outlast {@code webhookTimeout} and Kafka's delivery
 *                       time-out, so another node takes an entry only when this one is gone
 * @param idlePoll       how often an endpoint with nothing due looks again (entries enqueued on this node wake it at
 *                       once, see {@link EndpointDispatcher#waking})
 * @param refresh        how often the endpoint set is read again from the {@link EndpointSource}
 * @param backoff        per-entry retry delays; also how long a failing endpoint waits between probes
 * @param webhookTimeout one POST's time-out
 * @param webhookCaPem   extra CA certificates (PEM) webhooks are trusted with besides the JVM's; null for none
 */
public record DispatcherOptions(int webhookBatch, int kafkaBatch, Duration lock, Duration idlePoll, Duration refresh,
                                Backoff backoff, Duration webhookTimeout, String webhookCaPem, Clock clock) {
    public static DispatcherOptions defaults() {
        return new DispatcherOptions(16, 256, Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Backoff.standard(), Duration.ofSeconds(30), null, Clock.systemUTC());
    }

    public DispatcherOptions withBackoff(Backoff b) {
        return new DispatcherOptions(webhookBatch, kafkaBatch, lock, idlePoll, refresh, b, webhookTimeout,
                webhookCaPem, clock);
    }

    public DispatcherOptions withPolling(Duration newIdlePoll, Duration newRefresh) {
        return new DispatcherOptions(webhookBatch, kafkaBatch, lock, newIdlePoll, newRefresh, backoff, webhookTimeout,
                webhookCaPem, clock);
    }

    public DispatcherOptions withLock(Duration newLock, Duration newWebhookTimeout) {
        return new DispatcherOptions(webhookBatch, kafkaBatch, newLock, idlePoll, refresh, backoff, newWebhookTimeout,
                webhookCaPem, clock);
    }

    public DispatcherOptions withWebhookCa(String pem) {
        return new DispatcherOptions(webhookBatch, kafkaBatch, lock, idlePoll, refresh, backoff, webhookTimeout, pem,
                clock);
    }
}
