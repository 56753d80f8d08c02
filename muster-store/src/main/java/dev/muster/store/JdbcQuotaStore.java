package dev.muster.store;

import dev.muster.core.operations.QuotaStore;
import java.time.Instant;

/**
 * Per-minute quota counters: one conditional increment per admitted call, so concurrent nodes never admit more than
 * the limit between them. A counter's earlier minutes are dropped when its next minute starts.
 */
final class JdbcQuotaStore implements QuotaStore {
    private static final int ATTEMPTS = 5;

    private final Jdbc jdbc;

    JdbcQuotaStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean tryCount(String instance, String counter, Instant minute, int limit) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (jdbc.update("UPDATE quota_counts SET amount = amount + 1 WHERE instance = ? AND counter = ?"
                    + " AND minute_start = ? AND amount < ?", instance, counter, minute, limit) == 1) {
                return true;
            }
            boolean exists = jdbc.one("SELECT amount FROM quota_counts WHERE instance = ? AND counter = ?"
                    + " AND minute_start = ?", row -> row.getInt("amount"), instance, counter, minute).isPresent();
            if (exists) {
                return false;
            }
            if (jdbc.insertIfAbsent("INSERT INTO quota_counts (instance, counter, minute_start, amount)"
                    + " VALUES (?, ?, ?, 1)", instance, counter, minute)) {
                jdbc.update("DELETE FROM quota_counts WHERE instance = ? AND counter = ? AND minute_start < ?",
                        instance, counter, minute);
                return true;
            }
            // another node started this minute's row first: go round and count on it
        }
        throw new StoreException("A quota counter kept changing concurrently; retry.");
    }

    @Override
    public long enrollmentCount(String instance) {
        return jdbc.one("SELECT (SELECT COUNT(*) FROM enrollments WHERE instance = ?)"
                + " + (SELECT COUNT(*) FROM enrollment_groups WHERE instance = ?) AS total",
                row -> row.getLong("total"), instance, instance).orElse(0L);
    }
}
