package dev.muster.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The few JDBC shapes the stores need, each one statement on a pooled connection in auto-commit, so a failed
 * statement never leaves a connection inside a transaction.
 */
final class Jdbc {
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int UPSERT_ATTEMPTS = 5;

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return list(c, sql, mapper, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = list(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return update(c, sql, params);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** @return false if the row's key is taken */
    boolean insertIfAbsent(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            update(c, sql, params);
            return true;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return false;
            }
            throw failure(e);
        }
    }

    /**
     * Insert-or-replace without dialect-specific upsert syntax: update, else insert; if a concurrent writer inserted
     * first, go round and update its row. Each step is atomic, so no write is lost.
     */
    void upsert(String updateSql, Object[] updateParams, String insertSql, Object[] insertParams) {
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
                if (update(c, updateSql, updateParams) > 0) {
                    return;
                }
                try {
                    update(c, insertSql, insertParams);
                    return;
                } catch (SQLException e) {
                    if (!isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        throw new StoreException("A row kept being inserted and deleted concurrently while saving it; retry.");
    }

    /**
     * {@link #upsert} for rows that are nearly always new (operations: each has a fresh ID): insert first, so the
     * common case is one statement, and update only when the key turns out to be taken.
     */
    void insertOrUpdate(String insertSql, Object[] insertParams, String updateSql, Object[] updateParams) {
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
                try {
                    update(c, insertSql, insertParams);
                    return;
                } catch (SQLException e) {
                    if (!isUniqueViolation(e)) {
                        throw e;
                    }
                }
                if (update(c, updateSql, updateParams) > 0) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        throw new StoreException("A row kept being inserted and deleted concurrently while saving it; retry.");
    }

    /** Runs {@code work} in one transaction; a unique violation inside rolls back and yields {@code onDuplicate}. */
    <T> T transaction(Work<T> work, T onDuplicate) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if (e instanceof SQLException sql && isUniqueViolation(sql)) {
                    return onDuplicate;
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params); ResultSet rows = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rows.next()) {
                out.add(mapper.map(rows));
            }
            return out;
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = prepare(c, sql, params)) {
            return s.executeUpdate();
        }
    }

    /** One statement run once per parameter row, in one round trip where the driver batches. */
    static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (Object[] params : rows) {
                for (int i = 0; i < params.length; i++) {
                    bind(s, i + 1, params[i]);
                }
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime t = row.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement s = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(s, i + 1, params[i]);
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement s, int index, Object value) throws SQLException {
        if (value == null) {
            // Only text columns are nullable in this schema.
            s.setNull(index, Types.VARCHAR);
        } else if (value instanceof Instant instant) {
            // Neither driver maps Instant portably; both map OffsetDateTime to TIMESTAMP WITH TIME ZONE.
            s.setObject(index, instant.atOffset(ZoneOffset.UTC));
        } else {
            s.setObject(index, value);
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static StoreException failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")) {
            return new StoreException("The database cannot be reached: " + e.getMessage(), e);
        }
        return new StoreException("A database statement failed (SQLState " + state + "): " + e.getMessage(), e);
    }
}
