package dev.muster.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client faults a listener sees before anyone is authenticated (a malformed MQTT packet, a failed TLS handshake):
 * anyone on the network can cause them at will, so each is logged at DEBUG only and counted in
 * {@code muster_protocol_errors_total{listener}}, and at most one WARN line per interval sums them up.
 */
public final class ProtocolErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ProtocolErrors.class);
    public static final Duration DEFAULT_SUMMARY_INTERVAL = Duration.ofMinutes(1);

    private final MeterRegistry registry;
    private final Clock clock;
    private final long intervalMillis;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> sinceSummary = new TreeMap<>();
    private long nextSummaryAt = Long.MIN_VALUE;

    public ProtocolErrors(MeterRegistry registry, Clock clock, Duration summaryInterval) {
        this.registry = registry;
        this.clock = clock;
        this.intervalMillis = summaryInterval.toMillis();
    }

    /** What a listener calls with each client fault; {@code listener} names it in the counter and the log. */
    public Handler<Throwable> on(String listener) {
        Counter counter = counters.computeIfAbsent(listener, l -> Counter.builder("muster.protocol.errors")
                .description("Malformed or failed client connections (protocol errors, TLS failures) by listener")
                .tag("listener", l).register(registry));
        return e -> {
            counter.increment();
            LOG.debug("{}: client protocol error: {}", listener, e.toString());
            summarise(listener);
        };
    }

    private void summarise(String listener) {
        String summary;
        synchronized (sinceSummary) {
            sinceSummary.merge(listener, 1L, Long::sum);
            long now = clock.millis();
            if (now < nextSummaryAt) {
                return;
            }
            nextSummaryAt = now + intervalMillis;
            summary = sinceSummary.toString();
            sinceSummary.clear();
        }
        LOG.warn("client protocol errors since the last summary, by listener: {} (at most one such line per {} s;"
                + " each is counted in muster_protocol_errors_total and logged at DEBUG by {})", summary,
                intervalMillis / 1000, ProtocolErrors.class.getName());
    }
}
