package dev.muster.store;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The custom endpoints' outbox and dead letters (tables hub_endpoint_outbox, hub_endpoint_dead_letters). Every change
 * to a locked entry is conditional on its lock token, so a node whose lock ran out and was taken over cannot remove,
 * retry or dead-letter what the other node now delivers.
 */
final class JdbcEndpointOutbox implements EndpointOutbox {
    /** Longer errors are cut: they are for the operator to read, not to keep whole. */
    private static final int ERROR_LENGTH = 2000;
    private static final String ENDPOINT = "hub_key = ? AND endpoint = ?";
    private static final String COLUMNS = "id, hub_key, endpoint, enqueued_at, attempts, last_error, doc";

    /** The stored message: the body's bytes travel as base64 in the JSON document. */
    private record Doc(byte[] body, java.util.Map<String, String> applicationProperties,
                       java.util.Map<String, String> systemProperties) {
        static Doc of(EventContent c) {
            return new Doc(c.body(), c.applicationProperties(), c.systemProperties());
        }

        EventContent content() {
            return new EventContent(body, applicationProperties, systemProperties);
        }
    }

    private final Jdbc jdbc;

    JdbcEndpointOutbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void enqueue(String hub, String endpoint, Instant enqueuedTime, List<EventContent> messages) {
        List<Object[]> rows = new ArrayList<>(messages.size());
        for (EventContent m : messages) {
            rows.add(new Object[] {Documents.key(hub), endpoint, enqueuedTime, enqueuedTime, 0,
                    Documents.write(Doc.of(m))});
        }
        jdbc.transaction(c -> {
            Jdbc.batch(c, "INSERT INTO hub_endpoint_outbox (hub_key, endpoint, enqueued_at, due_at, attempts, doc)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", rows);
            return null;
        }, null);
    }

    @Override
    public List<OutboxEntry> lockDue(String hub, String endpoint, Instant now, Instant lockedUntil, String lockToken,
                                     int max) {
        String key = Documents.key(hub);
        List<OutboxEntry> candidates = jdbc.list("SELECT " + COLUMNS + ", due_at FROM hub_endpoint_outbox WHERE "
                + ENDPOINT + " AND due_at <= ? ORDER BY due_at, id LIMIT ?", row -> entry(row, "due_at"),
                key, endpoint, now, max);
        if (candidates.isEmpty()) {
            return List.of();
        }
        String ids = placeholders(candidates.size());
        Object[] lockParams = new Object[4 + candidates.size()];
        lockParams[0] = lockedUntil;
        lockParams[1] = lockToken;
        lockParams[2] = key;
        lockParams[3] = now;
        for (int i = 0; i < candidates.size(); i++) {
            lockParams[4 + i] = candidates.get(i).id();
        }
        // Another node may lock some of the same candidates between the two statements: the due_at condition makes
        // each row go to exactly one of them, and the read-back tells which rows are ours.
        jdbc.update("UPDATE hub_endpoint_outbox SET due_at = ?, lock_token = ? WHERE hub_key = ? AND due_at <= ?"
                + " AND id IN (" + ids + ")", lockParams);
        Object[] readParams = new Object[1 + candidates.size()];
        readParams[0] = lockToken;
        System.arraycopy(lockParams, 4, readParams, 1, candidates.size());
        Set<Long> ours = new java.util.HashSet<>(jdbc.list("SELECT id FROM hub_endpoint_outbox WHERE lock_token = ?"
                + " AND id IN (" + ids + ")", row -> row.getLong("id"), readParams));
        return candidates.stream().filter(e -> ours.contains(e.id())).toList();
    }

    @Override
    public int remove(String hub, String endpoint, List<Long> ids, String lockToken) {
        if (ids.isEmpty()) {
            return 0;
        }
        Object[] params = new Object[3 + ids.size()];
        params[0] = Documents.key(hub);
        params[1] = endpoint;
        params[2] = lockToken;
        for (int i = 0; i < ids.size(); i++) {
            params[3 + i] = ids.get(i);
        }
        return jdbc.update("DELETE FROM hub_endpoint_outbox WHERE " + ENDPOINT + " AND lock_token = ? AND id IN ("
                + placeholders(ids.size()) + ")", params);
    }

    @Override
    public boolean retryLater(String hub, String endpoint, long id, String lockToken, Instant nextAttemptAt,
                              String error) {
        return jdbc.update("UPDATE hub_endpoint_outbox SET due_at = ?, lock_token = NULL, attempts = attempts + 1,"
                        + " last_error = ? WHERE " + ENDPOINT + " AND id = ? AND lock_token = ?", nextAttemptAt,
                cut(error), Documents.key(hub), endpoint, id, lockToken) == 1;
    }

    @Override
    public boolean deadLetter(String hub, String endpoint, long id, String lockToken, String error) {
        String key = Documents.key(hub);
        return jdbc.transaction(c -> {
            // The row is copied first, then deleted under the token; a token that no longer holds the row leaves
            // nothing behind because the transaction rolls back.
            int copied = Jdbc.update(c, "INSERT INTO hub_endpoint_dead_letters (id, hub_key, endpoint, enqueued_at,"
                    + " dead_at, attempts, last_error, doc) SELECT id, hub_key, endpoint, enqueued_at, ?, attempts + 1,"
                    + " ?, doc FROM hub_endpoint_outbox WHERE " + ENDPOINT + " AND id = ? AND lock_token = ?",
                    Instant.now(), cut(error), key, endpoint, id, lockToken);
            if (copied == 0 || Jdbc.update(c, "DELETE FROM hub_endpoint_outbox WHERE " + ENDPOINT + " AND id = ?"
                    + " AND lock_token = ?", key, endpoint, id, lockToken) == 0) {
                c.rollback();
                return false;
            }
            return true;
        }, false);
    }

    @Override
    public List<OutboxEntry> deadLetters(String hub, String endpoint, long afterId, int max) {
        String select = "SELECT " + COLUMNS + ", dead_at FROM hub_endpoint_dead_letters WHERE hub_key = ?";
        return endpoint == null
                ? jdbc.list(select + " AND id > ? ORDER BY id LIMIT ?", row -> entry(row, "dead_at"),
                        Documents.key(hub), afterId, max)
                : jdbc.list(select + " AND endpoint = ? AND id > ? ORDER BY id LIMIT ?", row -> entry(row, "dead_at"),
                        Documents.key(hub), endpoint, afterId, max);
    }

    @Override
    public int replay(String hub, String endpoint, List<Long> ids, Instant now) {
        if (ids.isEmpty()) {
            return 0;
        }
        String key = Documents.key(hub);
        return jdbc.transaction(c -> {
            int replayed = 0;
            for (long id : new java.util.TreeSet<>(ids)) {
                replayed += replayOne(c, key, endpoint, id, now);
            }
            return replayed;
        }, 0);
    }

    /** Moves one dead letter back, keeping its id (its place in the endpoint's order) and its last error. */
    private static int replayOne(Connection c, String key, String endpoint, long id, Instant now)
            throws SQLException {
        String where = " WHERE hub_key = ? AND id = ?" + (endpoint == null ? "" : " AND endpoint = ?");
        Object[] params = endpoint == null ? new Object[] {now, key, id} : new Object[] {now, key, id, endpoint};
        int moved = Jdbc.update(c, "INSERT INTO hub_endpoint_outbox (id, hub_key, endpoint, enqueued_at, due_at,"
                + " attempts, last_error, doc) SELECT id, hub_key, endpoint, enqueued_at, ?, 0, last_error, doc"
                + " FROM hub_endpoint_dead_letters" + where, params);
        if (moved == 0) {
            return 0;
        }
        Object[] deleteParams = new Object[params.length - 1];
        System.arraycopy(params, 1, deleteParams, 0, deleteParams.length);
        return Jdbc.update(c, "DELETE FROM hub_endpoint_dead_letters" + where, deleteParams);
    }

    @Override
    public long backlog(String hub, String endpoint) {
        return jdbc.list("SELECT COUNT(*) AS n FROM hub_endpoint_outbox WHERE " + ENDPOINT, row -> row.getLong("n"),
                Documents.key(hub), endpoint).get(0);
    }

    private OutboxEntry entry(ResultSet row, String timeColumn) throws SQLException {
        return new OutboxEntry(row.getString("hub_key"), row.getString("endpoint"), row.getLong("id"),
                Jdbc.instant(row, "enqueued_at"), row.getInt("attempts"), Jdbc.instant(row, timeColumn),
                row.getString("last_error"), Documents.read(row.getString("doc"), Doc.class).content());
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static String cut(String error) {
        return error == null || error.length() <= ERROR_LENGTH ? error : error.substring(0, ERROR_LENGTH);
    }
}
