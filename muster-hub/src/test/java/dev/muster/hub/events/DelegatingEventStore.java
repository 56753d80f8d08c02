package dev.muster.hub.events;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that passes every call on, for tests that watch or break one of them. */
class DelegatingEventStore implements HubEventStore {
    private final HubEventStore inner;

    DelegatingEventStore(HubEventStore inner) {
        this.inner = inner;
    }

    @Override public boolean createStream(EventStream s) { return inner.createStream(s); }
    @Override public Optional<EventStream> stream(String hub) { return inner.stream(hub); }
    @Override public List<HubEvent> append(String hub, int p, Instant t, List<EventContent> e) {
        return inner.append(hub, p, t, e);
    }
    @Override public List<HubEvent> read(String hub, int p, long from, int max) { return inner.read(hub, p, from, max); }
    @Override public long firstSequenceEnqueuedAtOrAfter(String hub, int p, Instant t) {
        return inner.firstSequenceEnqueuedAtOrAfter(hub, p, t);
    }
    @Override public PartitionState partition(String hub, int p) { return inner.partition(hub, p); }
    @Override public int removeEnqueuedBefore(Instant cutoff, int limit) { return inner.removeEnqueuedBefore(cutoff, limit); }
    @Override public List<ConsumerGroup> consumerGroups(String hub) { return inner.consumerGroups(hub); }
    @Override public boolean addConsumerGroup(String hub, ConsumerGroup g) { return inner.addConsumerGroup(hub, g); }
    @Override public boolean removeConsumerGroup(String hub, String name) { return inner.removeConsumerGroup(hub, name); }
    @Override public boolean claimOwner(String hub, String g, int p, PartitionOwner o) { return inner.claimOwner(hub, g, p, o); }
    @Override public Optional<PartitionOwner> owner(String hub, String g, int p) { return inner.owner(hub, g, p); }
    @Override public void releaseOwner(String hub, String g, int p, String h) { inner.releaseOwner(hub, g, p, h); }
}
