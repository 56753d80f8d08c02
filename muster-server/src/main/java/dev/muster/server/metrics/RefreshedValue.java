package dev.muster.server.metrics;

import dev.muster.transport.Blocking;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from the database for a gauge: a scrape (answered on an event loop) gets the last value at once and,
 * when it is older than {@code every}, starts the next read on the worker pool, so scraping never waits for the
 * database nor costs a query each time. One read at a time; a failed read keeps the last value and is logged.
 */
public final class RefreshedValue<T> implements Supplier<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshedValue.class);

    private final String what;
    private final Callable<T> read;
    private final Duration every;
    private final Blocking blocking;
    private final Clock clock;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile T value;
    private volatile Instant readAt = Instant.MIN;

    /**
     * @param what names the value in the log line of a failed read
     * @param initial what a scrape gets before the first read ends
     */
    public RefreshedValue(String what, Callable<T> read, T initial, Duration every, Blocking blocking, Clock clock) {
        this.what = what;
        this.read = read;
        this.value = initial;
        this.every = every;
        this.blocking = blocking;
        this.clock = clock;
    }

    @Override
    public T get() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).compareTo(every) >= 0 && reading.compareAndSet(false, true)) {
            blocking.run(() -> {
                value = read.call();
                readAt = now;
                return null;
            }).onComplete(ar -> {
                reading.set(false);
                if (ar.failed()) {
                    LOG.warn("could not read {}: {}", what, ar.cause().toString());
                }
            });
        }
        return value;
    }
}
