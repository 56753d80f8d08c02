package dev.muster.store;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in hubs' event streams (tables hub_event_streams, hub_event_partitions, hub_events, hub_consumer_groups,
 * hub_event_owners). An append locks its partition's row for the length of its transaction, which is what makes
 * sequence numbers commit in order across nodes (see V17).
 */
final class JdbcHubEventStore implements HubEventStore {
    private static final String PARTITION = "hub_key = ? AND partition_id = ?";

    /** The stored properties document. */
    private record Properties(Map<String, String> app, Map<String, String> sys) {}

    private final Jdbc jdbc;

    JdbcHubEventStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean createStream(EventStream stream) {
        String key = Documents.key(stream.hub());
        return jdbc.transaction(c -> {
            Jdbc.update(c, "INSERT INTO hub_event_streams (hub_key, partition_count, created_at) VALUES (?, ?, ?)",
                    key, stream.partitionCount(), stream.createdAt());
            List<Object[]> rows = new ArrayList<>();
            for (int p = 0; p < stream.partitionCount(); p++) {
                rows.add(new Object[] {key, p});
            }
            Jdbc.batch(c, "INSERT INTO hub_event_partitions (hub_key, partition_id, next_sequence) VALUES (?, ?, 0)",
                    rows);
            // A group left from an earlier stream of the same name stays; only $Default is ensured.
            if (Jdbc.list(c, "SELECT name FROM hub_consumer_groups WHERE hub_key = ? AND name = ?",
                    r -> r.getString(1), key, ConsumerGroup.DEFAULT).isEmpty()) {
                Jdbc.update(c, "INSERT INTO hub_consumer_groups (hub_key, name, created_at) VALUES (?, ?, ?)",
                        key, ConsumerGroup.DEFAULT, stream.createdAt());
            }
            return true;
        }, false);
    }

    @Override
    public Optional<EventStream> stream(String hub) {
        return jdbc.one("SELECT partition_count, created_at FROM hub_event_streams WHERE hub_key = ?",
                r -> new EventStream(hub, r.getInt("partition_count"), Jdbc.instant(r, "created_at")),
                Documents.key(hub));
    }

    @Override
    public List<HubEvent> append(String hub, int partition, Instant enqueuedTime, List<EventContent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        String key = Documents.key(hub);
        return jdbc.transaction(c -> {
            int n = events.size();
            if (Jdbc.update(c, "UPDATE hub_event_partitions SET next_sequence = next_sequence + ?,"
                    + " last_enqueued_at = ? WHERE " + PARTITION, n, enqueuedTime, key, partition) == 0) {
                throw new IllegalArgumentException("Hub " + hub + " has no event partition " + partition);
            }
            long next = Jdbc.list(c, "SELECT next_sequence FROM hub_event_partitions WHERE " + PARTITION,
                    r -> r.getLong(1), key, partition).get(0);
            long first = next - n;
            List<Object[]> rows = new ArrayList<>(n);
            List<HubEvent> stored = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                EventContent content = events.get(i);
                rows.add(new Object[] {key, partition, first + i, enqueuedTime,
                        Documents.write(new Properties(content.applicationProperties(), content.systemProperties())),
                        content.body()});
                stored.add(new HubEvent(partition, first + i, enqueuedTime, content));
            }
            Jdbc.batch(c, "INSERT INTO hub_events (hub_key, partition_id, sequence, enqueued_at, properties, body)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", rows);
            return stored;
        }, null);
    }

    @Override
    public List<HubEvent> read(String hub, int partition, long fromSequence, int max) {
        return jdbc.list("SELECT partition_id, sequence, enqueued_at, properties, body FROM hub_events WHERE "
                        + PARTITION + " AND sequence >= ? ORDER BY sequence FETCH FIRST " + Math.max(0, max)
                        + " ROWS ONLY",
                JdbcHubEventStore::event, Documents.key(hub), partition, fromSequence);
    }

    private static HubEvent event(ResultSet r) throws SQLException {
        Properties p = Documents.read(r.getString("properties"), Properties.class);
        return new HubEvent(r.getInt("partition_id"), r.getLong("sequence"), Jdbc.instant(r, "enqueued_at"),
                new EventContent(r.getBytes("body"), p.app(), p.sys()));
    }

    @Override
    public long firstSequenceEnqueuedAtOrAfter(String hub, int partition, Instant time) {
        String key = Documents.key(hub);
        List<Long> first = jdbc.list("SELECT MIN(sequence) FROM hub_events WHERE " + PARTITION
                + " AND enqueued_at >= ?", r -> (Long) r.getObject(1, Long.class), key, partition, time);
        if (!first.isEmpty() && first.get(0) != null) {
            return first.get(0);
        }
        return nextSequence(key, hub, partition);
    }

    private long nextSequence(String key, String hub, int partition) {
        return jdbc.one("SELECT next_sequence FROM hub_event_partitions WHERE " + PARTITION,
                        r -> r.getLong(1), key, partition)
                .orElseThrow(() -> new IllegalArgumentException("Hub " + hub + " has no event partition "
                        + partition));
    }

    @Override
    public PartitionState partition(String hub, int partition) {
        String key = Documents.key(hub);
        return jdbc.one("SELECT p.next_sequence, p.last_enqueued_at, (SELECT MIN(e.sequence) FROM hub_events e"
                        + " WHERE e.hub_key = p.hub_key AND e.partition_id = p.partition_id) AS begin_sequence"
                        + " FROM hub_event_partitions p WHERE p.hub_key = ? AND p.partition_id = ?",
                r -> {
                    long next = r.getLong("next_sequence");
                    Long begin = r.getObject("begin_sequence", Long.class);
                    return new PartitionState(partition, begin == null ? next : begin, next - 1,
                            Jdbc.instant(r, "last_enqueued_at"), begin == null);
                }, key, partition)
                .orElseThrow(() -> new IllegalArgumentException("Hub " + hub + " has no event partition "
                        + partition));
    }

    @Override
    public int removeEnqueuedBefore(Instant cutoff, int limit) {
        // Per partition, everything up to the last event enqueued before the cutoff goes, oldest first, so what
        // stays is always a contiguous run of sequence numbers (clocks of several nodes may disagree a little).
        List<Object[]> partitions = jdbc.list("SELECT hub_key, partition_id FROM hub_event_partitions",
                r -> new Object[] {r.getString(1), r.getInt(2)});
        int removed = 0;
        for (Object[] p : partitions) {
            if (removed >= limit) {
                break;
            }
            Long last = jdbc.list("SELECT MAX(sequence) FROM hub_events WHERE " + PARTITION + " AND enqueued_at < ?",
                    r -> r.getObject(1, Long.class), p[0], p[1], cutoff).get(0);
            if (last == null) {
                continue;
            }
            Long first = jdbc.list("SELECT MIN(sequence) FROM hub_events WHERE " + PARTITION,
                    r -> r.getObject(1, Long.class), p[0], p[1]).get(0);
            long upTo = Math.min(last, first + (limit - removed) - 1);
            removed += jdbc.update("DELETE FROM hub_events WHERE " + PARTITION + " AND sequence <= ?",
                    p[0], p[1], upTo);
        }
        return removed;
    }

    @Override
    public List<ConsumerGroup> consumerGroups(String hub) {
        List<ConsumerGroup> groups = jdbc.list("SELECT name, created_at FROM hub_consumer_groups WHERE hub_key = ?"
                        + " ORDER BY name", r -> new ConsumerGroup(r.getString("name"), Jdbc.instant(r, "created_at")),
                Documents.key(hub));
        List<ConsumerGroup> out = new ArrayList<>(groups.size());
        groups.stream().filter(g -> g.name().equals(ConsumerGroup.DEFAULT)).forEach(out::add);
        groups.stream().filter(g -> !g.name().equals(ConsumerGroup.DEFAULT)).forEach(out::add);
        return out;
    }

    @Override
    public boolean addConsumerGroup(String hub, ConsumerGroup group) {
        if (stream(hub).isEmpty()) {
            throw new IllegalArgumentException("Hub " + hub + " has no event stream");
        }
        return jdbc.insertIfAbsent("INSERT INTO hub_consumer_groups (hub_key, name, created_at) VALUES (?, ?, ?)",
                Documents.key(hub), group.name(), group.createdAt());
    }

    @Override
    public boolean removeConsumerGroup(String hub, String name) {
        if (ConsumerGroup.DEFAULT.equals(name)) {
            return false;
        }
        String key = Documents.key(hub);
        return jdbc.transaction(c -> {
            Jdbc.update(c, "DELETE FROM hub_event_owners WHERE hub_key = ? AND consumer_group = ?", key, name);
            return Jdbc.update(c, "DELETE FROM hub_consumer_groups WHERE hub_key = ? AND name = ?", key, name) > 0;
        }, false);
    }

    @Override
    public boolean claimOwner(String hub, String consumerGroup, int partition, PartitionOwner owner) {
        String key = Documents.key(hub);
        for (int attempt = 0; attempt < 5; attempt++) {
            if (jdbc.update("UPDATE hub_event_owners SET owner_level = ?, holder = ?, claimed_at = ?"
                            + " WHERE hub_key = ? AND consumer_group = ? AND partition_id = ? AND owner_level <= ?",
                    owner.ownerLevel(), owner.holder(), owner.claimedAt(), key, consumerGroup, partition,
                    owner.ownerLevel()) > 0) {
                return true;
            }
            if (owner(hub, consumerGroup, partition).isPresent()) {
                return false;
            }
            if (jdbc.insertIfAbsent("INSERT INTO hub_event_owners (hub_key, consumer_group, partition_id,"
                            + " owner_level, holder, claimed_at) VALUES (?, ?, ?, ?, ?, ?)", key, consumerGroup,
                    partition, owner.ownerLevel(), owner.holder(), owner.claimedAt())) {
                return true;
            }
        }
        throw new StoreException("The owner of partition " + partition + " kept changing concurrently; retry.");
    }

    @Override
    public Optional<PartitionOwner> owner(String hub, String consumerGroup, int partition) {
        return jdbc.one("SELECT owner_level, holder, claimed_at FROM hub_event_owners"
                        + " WHERE hub_key = ? AND consumer_group = ? AND partition_id = ?",
                r -> new PartitionOwner(r.getLong("owner_level"), r.getString("holder"),
                        Jdbc.instant(r, "claimed_at")), Documents.key(hub), consumerGroup, partition);
    }

    @Override
    public void releaseOwner(String hub, String consumerGroup, int partition, String holder) {
        jdbc.update("DELETE FROM hub_event_owners WHERE hub_key = ? AND consumer_group = ? AND partition_id = ?"
                + " AND holder = ?", Documents.key(hub), consumerGroup, partition, holder);
    }
}
