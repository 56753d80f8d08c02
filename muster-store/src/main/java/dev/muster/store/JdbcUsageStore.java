package dev.muster.store;

import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageStore;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Operation counts per (instance, kind, minute); additions from any number of nodes accumulate. */
final class JdbcUsageStore implements UsageStore {
    private record Total(String kind, long amount) {}

    private record Row(Instant minute, String kind, long amount) {}

    private final Jdbc jdbc;

    JdbcUsageStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void addUsage(String instance, OperationKind kind, Instant minute, long count) {
        jdbc.upsert("UPDATE usage_counts SET amount = amount + ? WHERE instance = ? AND kind = ? AND minute_start = ?",
                new Object[] {count, instance, kind.name(), minute},
                "INSERT INTO usage_counts (instance, kind, minute_start, amount) VALUES (?, ?, ?, ?)",
                new Object[] {instance, kind.name(), minute, count});
    }

    /** Sums the minutes starting at or after {@code since}. Kinds this version does not know are left out. */
    @Override
    public Map<OperationKind, Long> usageSince(String instance, Instant since) {
        List<Total> totals = jdbc.list("SELECT kind, SUM(amount) AS total FROM usage_counts"
                        + " WHERE instance = ? AND minute_start >= ? GROUP BY kind",
                row -> new Total(row.getString("kind"), row.getLong("total")), instance, since);
        Map<OperationKind, Long> out = new EnumMap<>(OperationKind.class);
        for (Total t : totals) {
            known(t.kind()).ifPresent(k -> out.put(k, t.amount()));
        }
        return out;
    }

    @Override
    public List<MinuteCount> usageByMinute(String instance, Instant since) {
        return jdbc.list("SELECT minute_start, kind, amount FROM usage_counts WHERE instance = ? AND minute_start >= ?"
                        + " ORDER BY minute_start, kind",
                row -> new Row(Jdbc.instant(row, "minute_start"), row.getString("kind"), row.getLong("amount")),
                instance, since).stream()
                .flatMap(r -> known(r.kind()).map(k -> new MinuteCount(r.minute(), k, r.amount())).stream())
                .toList();
    }

    @Override
    public void addFailures(String instance, String reason, Instant minute, long count) {
        jdbc.upsert("UPDATE failure_counts SET amount = amount + ? WHERE instance = ? AND reason = ? AND minute_start = ?",
                new Object[] {count, instance, reason, minute},
                "INSERT INTO failure_counts (instance, reason, minute_start, amount) VALUES (?, ?, ?, ?)",
                new Object[] {instance, reason, minute, count});
    }

    @Override
    public Map<String, Long> failuresSince(String instance, Instant since) {
        Map<String, Long> out = new java.util.TreeMap<>();
        jdbc.list("SELECT reason, SUM(amount) AS total FROM failure_counts WHERE instance = ? AND minute_start >= ?"
                        + " GROUP BY reason", row -> Map.entry(row.getString("reason"), row.getLong("total")),
                instance, since).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static Optional<OperationKind> known(String name) {
        try {
            return Optional.of(OperationKind.valueOf(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
