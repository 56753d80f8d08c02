package dev.muster.hub.mqtt;

import dev.muster.core.hub.DesiredChangeLog;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.DesiredChangeRelay;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With a database several nodes share, desired-property changes made on other nodes reach this node's device
 * connections through the shared change log: this polls it on a timer and hands what it finds to the hub's MQTT
 * endpoint and AMQP device links (every transport listening to the hub's twins). One poll at a time (a slow database must not pile polls up on the worker pool); a failed poll is logged
 * and the next one reads from where it left off.
 */
public final class DesiredChangePolling implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredChangePolling.class);
    /** How often a node reads the changes other nodes made: the extra delay a device connected elsewhere sees. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final long timer;

    private DesiredChangePolling(Vertx vertx, long timer) {
        this.vertx = vertx;
        this.timer = timer;
    }

    /**
     * Relays this node's changes into {@code log} and polls {@code log} for everyone else's every {@code interval}.
     */
    public static DesiredChangePolling start(Vertx vertx, Blocking blocking, BuiltInHub hub, DesiredChangeLog log,
                                             Clock clock, Duration interval) {
        DesiredChangeRelay relay = new DesiredChangeRelay(log, clock, hub.twins().localTransports());
        hub.twins().addTwinListener(relay);
        AtomicBoolean polling = new AtomicBoolean();
        long timer = vertx.setPeriodic(interval.toMillis(), id -> {
            if (polling.compareAndSet(false, true)) {
                blocking.run(() -> {
                    try {
                        relay.poll();
                    } catch (RuntimeException e) {
                        LOG.warn("could not read desired-property changes of other nodes: {}", e.getMessage());
                    } finally {
                        polling.set(false);
                    }
                    return null;
                });
            }
        });
        return new DesiredChangePolling(vertx, timer);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}
