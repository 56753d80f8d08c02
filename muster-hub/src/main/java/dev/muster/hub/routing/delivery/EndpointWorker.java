package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop of one endpoint on this node: lock a bounded batch of due entries, send them, then remove what
 * was delivered, put failures back with back-off, dead-letter what ran out of attempts or was refused for good. Only
 * the locked batch is ever in memory, however large the endpoint's backlog.
 *
 * <p>A pass in which nothing was delivered and something failed marks the endpoint as failing: it then sends one
 * entry per pass (a probe), waiting the back-off between passes, until one gets through. So a dead endpoint costs
 * one attempt per back-off step, not one per entry of its backlog, and entries behind the probe keep their attempts.
 */
final class EndpointWorker {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointWorker.class);
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(1);

    private final String hub;
    private final String endpoint;
    private final EndpointSender sender;
    private final EndpointOutbox outbox;
    private final DispatcherOptions options;
    private final ScheduledExecutorService executor;

    private boolean closed;
    private boolean running;
    private boolean woken;
    private ScheduledFuture<?> next;
    private volatile int failedPasses;
    private volatile long backlog;
    private Instant backlogReadAt = Instant.EPOCH;

    EndpointWorker(String hub, String endpoint, EndpointSender sender, EndpointOutbox outbox,
                   DispatcherOptions options, ScheduledExecutorService executor) {
        this.hub = hub;
        this.endpoint = endpoint;
        this.sender = sender;
        this.outbox = outbox;
        this.options = options;
        this.executor = executor;
    }

    synchronized void start() {
        schedule(Duration.ZERO);
    }

    /** Entries were just enqueued: look now rather than at the next idle poll (a failing endpoint keeps its pace). */
    synchronized void wake() {
        if (closed || failedPasses > 0) {
            return;
        }
        if (running) {
            woken = true;
        } else if (next != null && next.cancel(false)) {
            schedule(Duration.ZERO);
        }
    }

    /** Stops after the pass in flight (whose entries settle, or wait for their lock to run out) and closes the sender. */
    synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
        if (!running) {
            sender.close();
        }
    }

    /** Entries waiting for this endpoint, as last read (at most a second old while the loop runs). */
    long backlog() {
        return backlog;
    }

    private synchronized void schedule(Duration delay) {
        if (closed) {
            return;
        }
        if (woken && delay.compareTo(Duration.ZERO) > 0 && failedPasses == 0) {
            delay = Duration.ZERO;
        }
        woken = false;
        next = executor.schedule(this::pass, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass() {
        synchronized (this) {
            if (closed) {
                return;
            }
            running = true;
        }
        List<OutboxEntry> batch;
        String lockToken = UUID.randomUUID().toString();
        int max = failedPasses > 0 ? 1 : sender.batchSize();
        try {
            Instant now = options.clock().instant();
            readBacklog(now);
            batch = outbox.lockDue(hub, endpoint, now, now.plus(options.lock()), lockToken, max);
        } catch (RuntimeException e) {
            LOG.warn("endpoint {} of {}: cannot read the outbox ({}); trying again", endpoint, hub, e.getMessage());
            finish(options.idlePoll());
            return;
        }
        if (batch.isEmpty()) {
            finish(options.idlePoll());
            return;
        }
        List<CompletableFuture<DeliveryResult>> results = sendSafely(batch);
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> {
            try {
                executor.execute(() -> settle(batch, results, lockToken, max));
            } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                sender.close(); // the dispatcher is closing; the entries' locks run out and they are delivered later
            }
        });
    }

    /** A sender that throws, or never answers within the lock, counts as a failed attempt. */
    private List<CompletableFuture<DeliveryResult>> sendSafely(List<OutboxEntry> batch) {
        List<CompletableFuture<DeliveryResult>> sent;
        try {
            sent = sender.sendAll(batch);
        } catch (RuntimeException t) {
            DeliveryResult failed = new DeliveryResult.Retry(String.valueOf(t));
            return batch.stream().map(e -> CompletableFuture.completedFuture(failed)).toList();
        }
        long limit = options.lock().toMillis() * 3 / 4;
        return sent.stream().map(f -> f.completeOnTimeout(new DeliveryResult.Retry("No answer within " + limit
                + " ms."), limit, TimeUnit.MILLISECONDS).exceptionally(t -> new DeliveryResult.Retry(String.valueOf(t))))
                .toList();
    }

    private void settle(List<OutboxEntry> batch, List<CompletableFuture<DeliveryResult>> results, String lockToken,
                        int max) {
        List<Long> delivered = new ArrayList<>();
        boolean retried = false;
        try {
            for (int i = 0; i < batch.size(); i++) {
                OutboxEntry e = batch.get(i);
                DeliveryResult r = results.get(i).join();
                if (r instanceof DeliveryResult.Delivered) {
                    delivered.add(e.id());
                } else if (r instanceof DeliveryResult.Rejected rejected) {
                    deadLetter(e, lockToken, rejected.error());
                } else if (r instanceof DeliveryResult.Retry retry) {
                    retried = true;
                    if (e.attempts() + 1 >= sender.maxAttempts()) {
                        deadLetter(e, lockToken, retry.error());
                    } else {
                        outbox.retryLater(hub, endpoint, e.id(), lockToken,
                                options.clock().instant().plus(options.backoff().delay(e.attempts() + 1)), retry.error());
                    }
                }
            }
            outbox.remove(hub, endpoint, delivered, lockToken);
        } catch (RuntimeException e) {
            // The entries stay locked until the lock runs out, then are delivered again (at least once).
            LOG.warn("endpoint {} of {}: cannot settle a batch in the outbox ({})", endpoint, hub, e.getMessage());
        }
        if (delivered.isEmpty() && retried) {
            failedPasses++;
            if (failedPasses == 1) {
                LOG.info("endpoint {} of {} is failing ({}); probing with one message at a time", endpoint, hub,
                        firstError(results));
            }
            finish(options.backoff().delay(failedPasses));
        } else {
            if (failedPasses > 0) {
                LOG.info("endpoint {} of {} delivers again", endpoint, hub);
            }
            failedPasses = 0;
            finish(batch.size() >= max ? Duration.ZERO : options.idlePoll());
        }
    }

    private void deadLetter(OutboxEntry e, String lockToken, String error) {
        if (outbox.deadLetter(hub, endpoint, e.id(), lockToken, error)) {
            LOG.warn("endpoint {} of {}: message {} dead-lettered after {} attempt(s): {}", endpoint, hub, e.id(),
                    e.attempts() + 1, error);
        }
    }

    private void readBacklog(Instant now) {
        if (now.isAfter(backlogReadAt.plus(BACKLOG_EVERY))) {
            backlog = outbox.backlog(hub, endpoint);
            backlogReadAt = now;
        }
    }

    private static String firstError(List<CompletableFuture<DeliveryResult>> results) {
        return results.stream().map(CompletableFuture::join).filter(r -> r instanceof DeliveryResult.Retry)
                .map(r -> ((DeliveryResult.Retry) r).error()).findFirst().orElse("");
    }

    private void finish(Duration delay) {
        boolean closeSender;
        synchronized (this) {
            running = false;
            closeSender = closed;
        }
        if (closeSender) {
            sender.close();
        } else {
            schedule(delay);
        }
    }
}
