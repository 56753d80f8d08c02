package dev.muster.core.operations;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Counts operations per instance and kind. Counts are gathered in memory and written to the store in one
 * batch a second (and at shutdown), so metering adds no database round trip to a registration; a crash can
 * lose at most the last unflushed second of counts, never a registration.
 */
public final class UsageMeter {
    private record Key(String instance, OperationKind kind, Instant minute) {}

    private record FailureKey(String instance, String reason, Instant minute) {}

    private final UsageStore store;
    private final Clock clock;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();
    private final Map<FailureKey, LongAdder> pendingFailures = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, OperationKind>> listeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<String, String>> failureListeners = new CopyOnWriteArrayList<>();

    public UsageMeter(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** For live counters (Prometheus). */
    public void addListener(BiConsumer<String, OperationKind> listener) {
        listeners.add(listener);
    }

    /** For live counters of failed attempts by reason (Prometheus). */
    public void addFailureListener(BiConsumer<String, String> listener) {
        failureListeners.add(listener);
    }

    public void record(String instance, OperationKind kind) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        increment(pending, new Key(instance, kind, minute));
        for (BiConsumer<String, OperationKind> l : listeners) {
            l.accept(instance, kind);
        }
    }

    /** A failed registration attempt (counted, not billed) and the reason it failed. */
    public void recordFailure(String instance, String reason) {
        record(instance, OperationKind.FAILED_REGISTRATION);
        increment(pendingFailures, new FailureKey(instance, reason, clock.instant().truncatedTo(ChronoUnit.MINUTES)));
        for (BiConsumer<String, String> l : failureListeners) {
            l.accept(instance, reason);
        }
    }

    private static <K> void increment(Map<K, LongAdder> counts, K key) {
        // Increment inside compute: flush's remove() takes the same bin lock, so no increment lands on a removed adder.
        counts.compute(key, (k, adder) -> {
            LongAdder a = adder == null ? new LongAdder() : adder;
            a.increment();
            return a;
        });
    }

    /** Writes pending counts; a failed write puts them back for the next flush. */
    public synchronized void flush() {
        drain(pending, (key, n) -> store.addUsage(key.instance(), key.kind(), key.minute(), n));
        drain(pendingFailures, (key, n) -> store.addFailures(key.instance(), key.reason(), key.minute(), n));
    }

    private interface Write<K> {
        void write(K key, long count);
    }

    private static <K> void drain(Map<K, LongAdder> counts, Write<K> write) {
        for (K key : List.copyOf(counts.keySet())) {
            LongAdder adder = counts.remove(key);
            if (adder == null) {
                continue;
            }
            long n = adder.sum();
            if (n == 0) {
                continue;
            }
            try {
                write.write(key, n);
            } catch (RuntimeException e) {
                counts.computeIfAbsent(key, k -> new LongAdder()).add(n);
                throw e;
            }
        }
    }

    public Map<OperationKind, Long> usageSince(String instance, Instant since) {
        flush();
        Map<OperationKind, Long> totals = new EnumMap<>(OperationKind.class);
        for (OperationKind k : OperationKind.values()) {
            totals.put(k, 0L);
        }
        store.usageSince(instance, since).forEach((k, v) -> totals.merge(k, v, Long::sum));
        return totals;
    }

    /** Totals, a series of {@code granularity} buckets and failures by reason, from every node's flushed counts. */
    public UsageReport report(String instance, Instant since, Granularity granularity) {
        Map<OperationKind, Long> totals = usageSince(instance, since);
        Map<Instant, Map<OperationKind, Long>> buckets = new TreeMap<>();
        for (UsageStore.MinuteCount c : store.usageByMinute(instance, since)) {
            buckets.computeIfAbsent(granularity.bucketOf(c.minute()), b -> new EnumMap<>(OperationKind.class))
                    .merge(c.kind(), c.count(), Long::sum);
        }
        List<UsageReport.Bucket> series = buckets.entrySet().stream()
                .map(e -> new UsageReport.Bucket(e.getKey(), e.getValue())).toList();
        return new UsageReport(since, totals, granularity, series, new TreeMap<>(store.failuresSince(instance, since)));
    }
}
