package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides on the store whether a partition receiver may attach and where it starts (worker thread): the consumer
 * group must exist ({@code amqp:not-found} otherwise, as for a group Event Hubs does not have), the partition too
 * ({@code com.microsoft:argument-out-of-range}), and owner levels are Event Hubs' epochs: a receiver with a level takes
 * the partition unless a higher level holds it; one without a level is refused while a level holds it. Both refusals
 * are {@code amqp:link:stolen}, which Java maps to LINK_STOLEN and JS to ReceiverDisconnectedError, as Azure's own
 * live tests expect (ConsumerDisconnected for a lower or a non-exclusive reader). An owner record not refreshed within
 * {@link #STALE} (its node died) no longer counts.
 */
final class ReceiverAdmission {
    /** How often an owner-level receiver refreshes its claim, and after how long a claim is dead. */
    static final Duration REFRESH = Duration.ofSeconds(10);
    static final Duration STALE = Duration.ofSeconds(30);

    record Admitted(int partition, String consumerGroup, long firstSequence) {}

    record Request(String hub, EntityAddress.Partition address, StartPosition position, Long ownerLevel,
                   String holder) {}

    private final HubEventStore store;
    private final Clock clock;

    ReceiverAdmission(HubEventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Admitted admit(Request r) {
        String entityUri = "sb://" + r.hub() + "/" + r.address().entity() + "/consumergroups/"
                + r.address().consumerGroup();
        EventStream stream = store.stream(r.hub()).orElseThrow(() -> EventHubsError.entityNotFound(entityUri));
        String group = store.consumerGroups(r.hub()).stream().map(ConsumerGroup::name)
                .filter(g -> g.equalsIgnoreCase(r.address().consumerGroup())).findFirst()
                .orElseThrow(() -> EventHubsError.entityNotFound(entityUri));
        int partition = Partitions.parse(r.address().partitionId(), stream);
        if (r.ownerLevel() != null) {
            claim(r.hub(), group, partition, r.ownerLevel(), r.holder());
        } else {
            Optional<PartitionOwner> owner = liveOwner(r.hub(), group, partition);
            if (owner.isPresent()) {
                throw new EventHubsError(EventHubsError.LINK_STOLEN, "At least one receiver for the endpoint is "
                        + "created with epoch of '" + owner.get().ownerLevel() + "', and so non-epoch receiver is not "
                        + "allowed. Either reconnect with a higher epoch, or make sure all epoch receivers are closed.");
            }
        }
        PartitionState state = store.partition(r.hub(), partition);
        try {
            return new Admitted(partition, group, EventPositions.resolve(r.position(), store, r.hub(), state));
        } catch (RuntimeException e) {
            if (r.ownerLevel() != null) {
                store.releaseOwner(r.hub(), group, partition, r.holder());
            }
            throw e;
        }
    }

    /** Claims (or refreshes) the partition for {@code holder}; a dead higher claim is cleared first. */
    void claim(String hub, String group, int partition, long level, String holder) {
        PartitionOwner me = new PartitionOwner(level, holder, clock.instant());
        if (store.claimOwner(hub, group, partition, me)) {
            return;
        }
        Optional<PartitionOwner> current = store.owner(hub, group, partition);
        if (current.isPresent() && stale(current.get())) {
            store.releaseOwner(hub, group, partition, current.get().holder());
            if (store.claimOwner(hub, group, partition, me)) {
                return;
            }
            current = store.owner(hub, group, partition);
        }
        long higher = current.map(PartitionOwner::ownerLevel).orElse(level);
        // The condition is what the SDKs map; the wording follows Azure's (unconfirmed byte for byte).
        throw new EventHubsError(EventHubsError.LINK_STOLEN, "Receiver with epoch '" + level + "' cannot be created "
                + "as a receiver with a higher epoch '" + higher + "' already exists.");
    }

    /** The partition's owner, if one holds it and is alive. */
    Optional<PartitionOwner> liveOwner(String hub, String group, int partition) {
        return store.owner(hub, group, partition).filter(o -> !stale(o));
    }

    private boolean stale(PartitionOwner o) {
        return o.claimedAt().plus(STALE).isBefore(clock.instant());
    }
}
