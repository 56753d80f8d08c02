package dev.muster.core.operations;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    private final UsageStore store;
    private final Clock clock;
    private final Map<Key, LongAdder> pending = new ConcurrentHashMap<>();
    private final List<BiConsumer<String, OperationKind>> listeners = new CopyOnWriteArrayList<>();

    public UsageMeter(UsageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** For live counters (Prometheus). */
    public void addListener(BiConsumer<String, OperationKind> listener) {
        listeners.add(listener);
    }

    public void record(String instance, OperationKind kind) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        // Increment inside compute: flush's remove() takes the same bin lock, so no increment lands on a removed adder.
        pending.compute(new Key(instance, kind, minute), (k, adder) -> {
            LongAdder a = adder == null ? new LongAdder() : adder;
            a.increment();
            return a;
        });
        for (BiConsumer<String, OperationKind> l : listeners) {
            l.accept(instance, kind);
        }
    }

    /** Writes pending counts; a failed write puts them back for the next flush. */
    public synchronized void flush() {
        for (Key key : List.copyOf(pending.keySet())) {
            LongAdder adder = pending.remove(key);
            if (adder == null) {
                continue;
            }
            long n = adder.sum();
            if (n == 0) {
                continue;
            }
            try {
                store.addUsage(key.instance(), key.kind(), key.minute(), n);
            } catch (RuntimeException e) {
                pending.computeIfAbsent(key, k -> new LongAdder()).add(n);
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
}
