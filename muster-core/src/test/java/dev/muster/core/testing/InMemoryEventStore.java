package dev.muster.core.testing;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link HubEventStore} in memory with the JDBC store's semantics; every method is synchronized on the store. */
public final class InMemoryEventStore implements HubEventStore {
    private record PartitionKey(String hub, int partition) {}

    private record OwnerKey(String hub, String group, int partition) {}

    private static final class Partition {
        final TreeMap<Long, HubEvent> events = new TreeMap<>();
        long next;
        Instant lastEnqueued;
    }

    private final Map<String, EventStream> streams = new HashMap<>();
    private final Map<PartitionKey, Partition> partitions = new HashMap<>();
    private final Map<String, TreeMap<String, ConsumerGroup>> groups = new HashMap<>();
    private final Map<OwnerKey, PartitionOwner> owners = new HashMap<>();

    @Override
    public synchronized boolean createStream(EventStream stream) {
        if (streams.containsKey(stream.hub())) {
            return false;
        }
        streams.put(stream.hub(), stream);
        for (int p = 0; p < stream.partitionCount(); p++) {
            partitions.put(new PartitionKey(stream.hub(), p), new Partition());
        }
        groups.computeIfAbsent(stream.hub(), h -> new TreeMap<>())
                .putIfAbsent(ConsumerGroup.DEFAULT, new ConsumerGroup(ConsumerGroup.DEFAULT, stream.createdAt()));
        return true;
    }

    @Override
    public synchronized Optional<EventStream> stream(String hub) {
        return Optional.ofNullable(streams.get(hub));
    }

    private Partition partitionOf(String hub, int partition) {
        Partition p = partitions.get(new PartitionKey(hub, partition));
        if (p == null) {
            throw new IllegalArgumentException("Hub " + hub + " has no event partition " + partition);
        }
        return p;
    }

    @Override
    public synchronized List<HubEvent> append(String hub, int partition, Instant enqueuedTime,
                                              List<EventContent> events) {
        Partition p = partitionOf(hub, partition);
        List<HubEvent> stored = new ArrayList<>(events.size());
        for (EventContent content : events) {
            HubEvent e = new HubEvent(partition, p.next++, enqueuedTime, content);
            p.events.put(e.sequence(), e);
            stored.add(e);
        }
        if (!events.isEmpty()) {
            p.lastEnqueued = enqueuedTime;
        }
        return stored;
    }

    @Override
    public synchronized List<HubEvent> read(String hub, int partition, long fromSequence, int max) {
        Partition p = partitions.get(new PartitionKey(hub, partition));
        if (p == null) {
            return List.of();
        }
        List<HubEvent> out = new ArrayList<>();
        for (HubEvent e : p.events.tailMap(fromSequence, true).values()) {
            if (out.size() >= max) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long firstSequenceEnqueuedAtOrAfter(String hub, int partition, Instant time) {
        Partition p = partitionOf(hub, partition);
        for (HubEvent e : p.events.values()) {
            if (!e.enqueuedTime().isBefore(time)) {
                return e.sequence();
            }
        }
        return p.next;
    }

    @Override
    public synchronized PartitionState partition(String hub, int partition) {
        Partition p = partitionOf(hub, partition);
        long begin = p.events.isEmpty() ? p.next : p.events.firstKey();
        return new PartitionState(partition, begin, p.next - 1, p.lastEnqueued, p.events.isEmpty());
    }

    @Override
    public synchronized int removeEnqueuedBefore(Instant cutoff, int limit) {
        int removed = 0;
        for (Partition p : partitions.values()) {
            var it = p.events.values().iterator();
            while (it.hasNext() && removed < limit) {
                if (!it.next().enqueuedTime().isBefore(cutoff)) {
                    break;
                }
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized List<ConsumerGroup> consumerGroups(String hub) {
        TreeMap<String, ConsumerGroup> g = groups.get(hub);
        if (g == null) {
            return List.of();
        }
        List<ConsumerGroup> out = new ArrayList<>();
        ConsumerGroup def = g.get(ConsumerGroup.DEFAULT);
        if (def != null) {
            out.add(def);
        }
        g.values().stream().filter(c -> !c.name().equals(ConsumerGroup.DEFAULT)).forEach(out::add);
        return out;
    }

    @Override
    public synchronized boolean addConsumerGroup(String hub, ConsumerGroup group) {
        if (!streams.containsKey(hub)) {
            throw new IllegalArgumentException("Hub " + hub + " has no event stream");
        }
        return groups.computeIfAbsent(hub, h -> new TreeMap<>()).putIfAbsent(group.name(), group) == null;
    }

    @Override
    public synchronized boolean removeConsumerGroup(String hub, String name) {
        if (ConsumerGroup.DEFAULT.equals(name)) {
            return false;
        }
        TreeMap<String, ConsumerGroup> g = groups.get(hub);
        if (g == null || g.remove(name) == null) {
            return false;
        }
        owners.keySet().removeIf(k -> k.hub().equals(hub) && k.group().equals(name));
        return true;
    }

    @Override
    public synchronized boolean claimOwner(String hub, String consumerGroup, int partition, PartitionOwner owner) {
        OwnerKey key = new OwnerKey(hub, consumerGroup, partition);
        PartitionOwner current = owners.get(key);
        if (current != null && current.ownerLevel() > owner.ownerLevel()) {
            return false;
        }
        owners.put(key, owner);
        return true;
    }

    @Override
    public synchronized Optional<PartitionOwner> owner(String hub, String consumerGroup, int partition) {
        return Optional.ofNullable(owners.get(new OwnerKey(hub, consumerGroup, partition)));
    }

    @Override
    public synchronized void releaseOwner(String hub, String consumerGroup, int partition, String holder) {
        OwnerKey key = new OwnerKey(hub, consumerGroup, partition);
        PartitionOwner current = owners.get(key);
        if (current != null && current.holder().equals(holder)) {
            owners.remove(key);
        }
    }
}
