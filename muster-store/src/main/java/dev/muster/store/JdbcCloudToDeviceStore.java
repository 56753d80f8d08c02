package dev.muster.store;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackEntry;
import dev.muster.core.hub.FeedbackRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built-in hubs' cloud-to-device and feedback queues (tables hub_c2d_queues, hub_c2d_messages, hub_c2d_feedback).
 * The depth of a queue lives in its hub_c2d_queues row and changes in the same transaction as the message rows, so
 * the 50-message limit holds under concurrent senders on several nodes.
 */
final class JdbcCloudToDeviceStore implements CloudToDeviceStore {
    /** How many visible messages one lock attempt considers when other nodes take the first ones meanwhile. */
    private static final int LOCK_CANDIDATES = 5;
    private static final int ENQUEUE_ATTEMPTS = 5;
    private static final String MESSAGE_COLUMNS = "hub_key, device_id, module_id, id, sequence, enqueued_at,"
            + " expires_at, delivery_count, lock_token, doc";
    private static final String QUEUE = "hub_key = ? AND device_id = ? AND module_id = ?";

    /** The stored document: what the device gets, and the generation feedback names. */
    private record Doc(CloudToDeviceContent content, String deviceGenerationId) {}

    /** A feedback record as stored (instants as ISO-8601 text, as every stored document keeps them). */
    private record FeedbackDoc(String originalMessageId, String enqueuedTimeUtc, String statusCode, String description,
                               String deviceId, String deviceGenerationId) {
        static FeedbackDoc of(FeedbackRecord r) {
            return new FeedbackDoc(r.originalMessageId(), r.enqueuedTimeUtc().toString(), r.statusCode(),
                    r.description(), r.deviceId(), r.deviceGenerationId());
        }

        FeedbackRecord record() {
            return new FeedbackRecord(originalMessageId, Instant.parse(enqueuedTimeUtc), statusCode, description,
                    deviceId, deviceGenerationId);
        }
    }

    private enum Enqueued { DONE, FULL, RACED }

    private final Jdbc jdbc;

    JdbcCloudToDeviceStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean enqueue(CloudToDeviceMessage m, int maxDepth) {
        for (int attempt = 0; attempt < ENQUEUE_ATTEMPTS; attempt++) {
            Enqueued outcome = jdbc.transaction(c -> enqueueOnce(c, m, maxDepth), Enqueued.RACED);
            if (outcome != Enqueued.RACED) {
                return outcome == Enqueued.DONE;
            }
        }
        throw new StoreException("The queue of " + m.queue() + " kept changing concurrently; retry.");
    }

    private static Enqueued enqueueOnce(Connection c, CloudToDeviceMessage m, int maxDepth) throws SQLException {
        Object[] key = key(m.queue());
        int grown = Jdbc.update(c, "UPDATE hub_c2d_queues SET depth = depth + 1, next_sequence = next_sequence + 1"
                + " WHERE " + QUEUE + " AND depth < ?", key[0], key[1], key[2], maxDepth);
        if (grown == 0) {
            List<Integer> depth = Jdbc.list(c, "SELECT depth FROM hub_c2d_queues WHERE " + QUEUE,
                    row -> row.getInt("depth"), key);
            if (!depth.isEmpty()) {
                return Enqueued.FULL;
            }
            if (maxDepth < 1) {
                return Enqueued.FULL;
            }
            // A concurrent first sender inserting the same row makes this a unique violation: RACED, go round.
            Jdbc.update(c, "INSERT INTO hub_c2d_queues (hub_key, device_id, module_id, depth, next_sequence)"
                    + " VALUES (?, ?, ?, 1, 1)", key);
        }
        long sequence = Jdbc.list(c, "SELECT next_sequence FROM hub_c2d_queues WHERE " + QUEUE,
                row -> row.getLong("next_sequence"), key).get(0);
        Jdbc.update(c, "INSERT INTO hub_c2d_messages (" + MESSAGE_COLUMNS + ", visible_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", key[0], key[1], key[2], m.id(), sequence,
                m.enqueuedAt(), m.expiresAt(), m.deliveryCount(), m.lockToken(),
                Documents.write(new Doc(m.content(), m.deviceGenerationId())), m.enqueuedAt());
        return Enqueued.DONE;
    }

    @Override
    public Optional<CloudToDeviceMessage> lockNext(DeviceQueue queue, Instant now, Instant lockedUntil,
                                                   String lockToken) {
        Object[] key = key(queue);
        List<CloudToDeviceMessage> candidates = jdbc.list("SELECT " + MESSAGE_COLUMNS + " FROM hub_c2d_messages"
                        + " WHERE " + QUEUE + " AND visible_at <= ? AND expires_at > ? ORDER BY sequence LIMIT ?",
                this::message, key[0], key[1], key[2], now, now, LOCK_CANDIDATES);
        for (CloudToDeviceMessage m : candidates) {
            int locked = jdbc.update("UPDATE hub_c2d_messages SET visible_at = ?, lock_token = ? WHERE " + QUEUE
                            + " AND id = ? AND visible_at <= ?", lockedUntil, lockToken, key[0], key[1], key[2],
                    m.id(), now);
            if (locked == 1) {
                return Optional.of(m.lockedBy(lockToken, m.sequence()));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean removeLocked(DeviceQueue queue, String id, String lockToken) {
        return removeWhere(queue, "id = ? AND lock_token = ?", id, lockToken);
    }

    @Override
    public boolean unlock(DeviceQueue queue, String id, String lockToken, Instant visibleAt, int deliveryCount) {
        Object[] key = key(queue);
        return jdbc.update("UPDATE hub_c2d_messages SET visible_at = ?, lock_token = NULL, delivery_count = ?"
                        + " WHERE " + QUEUE + " AND id = ? AND lock_token = ?", visibleAt, deliveryCount,
                key[0], key[1], key[2], id, lockToken) == 1;
    }

    @Override
    public boolean remove(DeviceQueue queue, String id) {
        return removeWhere(queue, "id = ?", id);
    }

    /** Deletes one message and shrinks its queue's depth in the same transaction. */
    private boolean removeWhere(DeviceQueue queue, String condition, Object... params) {
        Object[] key = key(queue);
        Object[] all = new Object[3 + params.length];
        System.arraycopy(key, 0, all, 0, 3);
        System.arraycopy(params, 0, all, 3, params.length);
        return jdbc.transaction(c -> {
            if (Jdbc.update(c, "DELETE FROM hub_c2d_messages WHERE " + QUEUE + " AND " + condition, all) == 0) {
                return false;
            }
            Jdbc.update(c, "UPDATE hub_c2d_queues SET depth = depth - 1 WHERE " + QUEUE + " AND depth > 0", key);
            return true;
        }, false);
    }

    @Override
    public List<CloudToDeviceMessage> messages(DeviceQueue queue) {
        return jdbc.list("SELECT " + MESSAGE_COLUMNS + " FROM hub_c2d_messages WHERE " + QUEUE + " ORDER BY sequence",
                this::message, key(queue));
    }

    @Override
    public int depth(DeviceQueue queue) {
        return jdbc.one("SELECT depth FROM hub_c2d_queues WHERE " + QUEUE, row -> row.getInt("depth"), key(queue))
                .orElse(0);
    }

    @Override
    public java.util.Map<String, Integer> deviceDepths(String hub, java.util.Collection<String> deviceIds) {
        List<String> ids = List.copyOf(deviceIds);
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            params[0] = Documents.key(hub);
            for (int i = 0; i < chunk.size(); i++) {
                params[i + 1] = chunk.get(i);
            }
            jdbc.list("SELECT device_id, depth FROM hub_c2d_queues WHERE hub_key = ? AND module_id = ''"
                            + " AND device_id IN (" + "?,".repeat(chunk.size()).substring(0, chunk.size() * 2 - 1) + ")",
                    row -> out.put(row.getString("device_id"), row.getInt("depth")), params);
        }
        return out;
    }

    @Override
    public List<CloudToDeviceMessage> expiredMessages(Instant now, int limit) {
        return jdbc.list("SELECT " + MESSAGE_COLUMNS + " FROM hub_c2d_messages WHERE expires_at <= ?"
                + " ORDER BY expires_at, id LIMIT ?", this::message, now, Math.max(0, limit));
    }

    @Override
    public List<DeviceQueue> queuesVisibleBetween(Instant after, Instant upTo, int limit) {
        return jdbc.list("SELECT DISTINCT hub_key, device_id, module_id FROM hub_c2d_messages"
                        + " WHERE visible_at > ? AND visible_at <= ? LIMIT ?",
                row -> new DeviceQueue(row.getString("hub_key"), row.getString("device_id"),
                        row.getString("module_id")), after, upTo, Math.max(0, limit));
    }

    // ---- feedback ---------------------------------------------------------------------------------------------

    @Override
    public void addFeedback(FeedbackEntry e) {
        jdbc.update("INSERT INTO hub_c2d_feedback (hub_key, id, enqueued_at, expires_at, visible_at, delivery_count,"
                        + " lock_token, doc) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)", Documents.key(e.hub()), e.id(),
                e.enqueuedAt(), e.expiresAt(), e.enqueuedAt(), e.deliveryCount(), Documents.write(FeedbackDoc.of(e.record())));
    }

    @Override
    public List<FeedbackEntry> lockFeedback(String hub, Instant now, Instant lockedUntil, String lockToken, int max) {
        String hubKey = Documents.key(hub);
        List<FeedbackEntry> candidates = jdbc.list("SELECT hub_key, id, enqueued_at, expires_at, delivery_count, doc"
                        + " FROM hub_c2d_feedback WHERE hub_key = ? AND visible_at <= ? AND expires_at > ?"
                        + " ORDER BY enqueued_at, id LIMIT ?", JdbcCloudToDeviceStore::feedback, hubKey, now, now,
                Math.max(0, max));
        List<FeedbackEntry> locked = new ArrayList<>();
        for (FeedbackEntry e : candidates) {
            if (jdbc.update("UPDATE hub_c2d_feedback SET visible_at = ?, lock_token = ? WHERE hub_key = ? AND id = ?"
                    + " AND visible_at <= ?", lockedUntil, lockToken, hubKey, e.id(), now) == 1) {
                locked.add(e);
            }
        }
        return locked;
    }

    @Override
    public int removeFeedback(String hub, String lockToken) {
        return jdbc.update("DELETE FROM hub_c2d_feedback WHERE hub_key = ? AND lock_token = ?", Documents.key(hub),
                lockToken);
    }

    @Override
    public int releaseFeedback(String hub, String lockToken, Instant visibleAt, int maxDeliveryCount) {
        String hubKey = Documents.key(hub);
        return jdbc.transaction(c -> {
            int back = Jdbc.update(c, "UPDATE hub_c2d_feedback SET visible_at = ?, lock_token = NULL,"
                            + " delivery_count = delivery_count + 1 WHERE hub_key = ? AND lock_token = ?"
                            + " AND delivery_count + 1 < ?", visibleAt, hubKey, lockToken, maxDeliveryCount);
            Jdbc.update(c, "DELETE FROM hub_c2d_feedback WHERE hub_key = ? AND lock_token = ?", hubKey, lockToken);
            return back;
        }, 0);
    }

    @Override
    public int pruneFeedback(Instant now) {
        return jdbc.update("DELETE FROM hub_c2d_feedback WHERE expires_at <= ?", now);
    }

    // ---- rows ---------------------------------------------------------------------------------------------------

    private static Object[] key(DeviceQueue q) {
        return new Object[] {Documents.key(q.hub()), q.deviceId(), q.moduleId() == null ? "" : q.moduleId()};
    }

    private CloudToDeviceMessage message(ResultSet row) throws SQLException {
        Doc doc = Documents.read(row.getString("doc"), Doc.class);
        return new CloudToDeviceMessage(new DeviceQueue(row.getString("hub_key"), row.getString("device_id"),
                row.getString("module_id")), row.getString("id"), row.getLong("sequence"), doc.content(),
                doc.deviceGenerationId(), Jdbc.instant(row, "enqueued_at"), Jdbc.instant(row, "expires_at"),
                row.getInt("delivery_count"), row.getString("lock_token"));
    }

    private static FeedbackEntry feedback(ResultSet row) throws SQLException {
        return new FeedbackEntry(row.getString("hub_key"), row.getString("id"),
                Documents.read(row.getString("doc"), FeedbackDoc.class).record(), Jdbc.instant(row, "enqueued_at"),
                Jdbc.instant(row, "expires_at"), row.getInt("delivery_count"));
    }
}
