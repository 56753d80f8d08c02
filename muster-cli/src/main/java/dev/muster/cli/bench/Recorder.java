package dev.muster.cli.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outcomes of one phase: a latency per successful device and a count per error kind. Latencies go into a
 * preallocated array (one slot per device, written once), so recording costs an atomic increment and no allocation:
 * the load generator must stay cheap next to the server it measures.
 */
public final class Recorder implements Progress.Counts {
    private final long[] latencies;
    private final long[] handshakes;
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger handshakeCount = new AtomicInteger();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();

    public Recorder(int capacity) {
        latencies = new long[capacity];
        handshakes = new long[capacity];
    }

    /** A device that got its answer, {@code nanos} after it (was scheduled to) set off. */
    public void success(long nanos) {
        int i = ok.getAndIncrement();
        if (i < latencies.length) {
            latencies[i] = nanos;
        }
    }

    /** Time from connect to the end of the TLS handshake, for splitting TLS from request time. */
    public void handshake(long nanos) {
        int i = handshakeCount.getAndIncrement();
        if (i < handshakes.length) {
            handshakes[i] = nanos;
        }
    }

    public void error(String kind) {
        failed.increment();
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public int successes() {
        return ok.get();
    }

    @Override
    public long failures() {
        return failed.sum();
    }

    @Override
    public long done() {
        return successes() + failures();
    }

    public Map<String, Long> errorsByKind() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Percentiles latency() {
        return Percentiles.of(Arrays.copyOf(latencies, Math.min(ok.get(), latencies.length)));
    }

    public Percentiles handshake() {
        return Percentiles.of(Arrays.copyOf(handshakes, Math.min(handshakeCount.get(), handshakes.length)));
    }
}
