package dev.muster.server.limits;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The WARN lines about refused connections: the first refusal at once, then at most one line per interval summing
 * the refusals since the last line. An attacker opening thousands of connections a second must not turn the log into
 * the next resource it exhausts; the exact counts are in the metric {@code muster_connections_refused_total}.
 */
final class RefusalLog {
    /** At most one line this often: enough to see an attack start and go on, too rare to fill a disk. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ConnectionLimiter limits;
    private final Consumer<String> warn;
    private final LongSupplier nanoTime;
    private long lastLine;
    private boolean logged;
    private long unreported;

    RefusalLog(ConnectionLimiter limits, Consumer<String> warn, LongSupplier nanoTime) {
        this.limits = limits;
        this.warn = warn;
        this.nanoTime = nanoTime;
    }

    synchronized void refused(ConnectionLimiter.Refusal reason, InetAddress source) {
        unreported++;
        long now = nanoTime.getAsLong();
        if (logged && now - lastLine < INTERVAL_NANOS) {
            return;
        }
        String why = reason == ConnectionLimiter.Refusal.PER_ADDRESS
                ? source.getHostAddress() + " already holds " + limits.perAddress()
                        + " connections, the most one address may (--max-connections-per-address)"
                : "the node already holds " + limits.total() + " connections, the most it accepts (--max-connections)";
        warn.accept((logged ? "refused " + unreported + " connections since the last such line; the latest because "
                : "refused a connection because ") + why
                + "; refusals are counted in muster_connections_refused_total");
        logged = true;
        lastLine = now;
        unreported = 0;
    }
}
