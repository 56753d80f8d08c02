package dev.muster.hub.c2d;

import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work of the cloud-to-device queues on one node: the relay poll (messages that became visible
 * elsewhere or whose lock ran out reach this node's devices within {@link #RELAY_INTERVAL}) and the expiry sweep.
 * Each job runs one at a time on the worker pool, so a slow database never piles them up; a failure is logged and
 * the next tick tries again.
 */
public final class CloudToDeviceTimers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudToDeviceTimers.class);
    public static final Duration RELAY_INTERVAL = Duration.ofSeconds(1);
    public static final Duration EXPIRY_INTERVAL = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final long relayTimer;
    private final long expiryTimer;

    private CloudToDeviceTimers(Vertx vertx, long relayTimer, long expiryTimer) {
        this.vertx = vertx;
        this.relayTimer = relayTimer;
        this.expiryTimer = expiryTimer;
    }

    public static CloudToDeviceTimers start(Vertx vertx, Blocking blocking, CloudToDeviceQueue queue,
                                            CloudToDeviceRelay relay) {
        return new CloudToDeviceTimers(vertx,
                every(vertx, blocking, RELAY_INTERVAL, relay::poll, "look for cloud-to-device messages"),
                every(vertx, blocking, EXPIRY_INTERVAL, queue::expireDue, "expire cloud-to-device messages"));
    }

    private static long every(Vertx vertx, Blocking blocking, Duration interval, Supplier<Integer> job, String what) {
        AtomicBoolean running = new AtomicBoolean();
        return vertx.setPeriodic(interval.toMillis(), id -> {
            if (running.compareAndSet(false, true)) {
                blocking.run(() -> {
                    try {
                        job.get();
                    } catch (RuntimeException e) {
                        LOG.warn("could not {}: {}", what, e.getMessage());
                    } finally {
                        running.set(false);
                    }
                    return null;
                });
            }
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(relayTimer);
        vertx.cancelTimer(expiryTimer);
    }
}
