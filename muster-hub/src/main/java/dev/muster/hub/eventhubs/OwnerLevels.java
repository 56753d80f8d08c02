package dev.muster.hub.eventhubs;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's open partition receivers, by partition (to tell them of local appends) and by consumer group and
 * partition (to detach the ones an owner-level receiver takes over at once; receivers on other nodes learn it from the
 * store's owner record when they next look). Any thread.
 */
final class OwnerLevels {
    private record PartitionKey(String hub, int partition) {}

    private record GroupKey(String hub, String group, int partition) {}

    private final Map<PartitionKey, Set<PartitionReceiver>> byPartition = new ConcurrentHashMap<>();
    private final Map<GroupKey, Set<PartitionReceiver>> byGroup = new ConcurrentHashMap<>();

    void opened(PartitionReceiver r) {
        byPartition.computeIfAbsent(partitionKey(r.hub(), r.partition()), k -> ConcurrentHashMap.newKeySet()).add(r);
        byGroup.computeIfAbsent(groupKey(r), k -> ConcurrentHashMap.newKeySet()).add(r);
    }

    void closed(PartitionReceiver r) {
        Set<PartitionReceiver> p = byPartition.get(partitionKey(r.hub(), r.partition()));
        if (p != null) {
            p.remove(r);
        }
        Set<PartitionReceiver> g = byGroup.get(groupKey(r));
        if (g != null) {
            g.remove(r);
        }
    }

    /** The other local receivers of the same group and partition that {@code owner} (with an owner level) displaces. */
    List<PartitionReceiver> displacedBy(PartitionReceiver owner) {
        long level = owner.ownerLevel();
        return byGroup.getOrDefault(groupKey(owner), Set.of()).stream()
                .filter(r -> r != owner && (r.ownerLevel() == null || r.ownerLevel() <= level)).toList();
    }

    Set<PartitionReceiver> onPartition(String hub, int partition) {
        return byPartition.getOrDefault(partitionKey(hub, partition), Set.of());
    }

    private static PartitionKey partitionKey(String hub, int partition) {
        return new PartitionKey(hub.toLowerCase(Locale.ROOT), partition);
    }

    private static GroupKey groupKey(PartitionReceiver r) {
        return new GroupKey(r.hub().toLowerCase(Locale.ROOT), r.consumerGroup().toLowerCase(Locale.ROOT),
                r.partition());
    }
}
