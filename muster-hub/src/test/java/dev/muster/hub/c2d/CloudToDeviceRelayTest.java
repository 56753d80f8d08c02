package dev.muster.hub.c2d;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.testing.InMemoryCloudToDeviceStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudToDeviceRelayTest {
    private static final Instant T0 = Instant.parse("2025-04-01T09:00:00Z");
    private static final DeviceQueue DEV = DeviceQueue.device("hub.muster.test", "dev-1");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryCloudToDeviceStore store = new InMemoryCloudToDeviceStore();
    private final List<DeviceQueue> told = new ArrayList<>();
    private final CloudToDeviceRelay relay = new CloudToDeviceRelay(store, clock, told::add);

    /** A message another node queued, stamped with that node's clock. */
    private CloudToDeviceMessage queuedElsewhere(Instant at) {
        CloudToDeviceMessage m = new CloudToDeviceMessage(DEV, "id-" + at.toEpochMilli(), 0,
                new CloudToDeviceContent("m", null, null, null, null, null, null, Map.of(), new byte[0]), "gen", at,
                at.plus(Duration.ofHours(1)), 0, null);
        store.enqueue(m, 50);
        return m;
    }

    @Test
    void aMessageQueuedOnAnotherNodeIsAnnouncedAtTheNextPoll() {
        clock.advance(Duration.ofSeconds(1));
        queuedElsewhere(clock.instant());
        assertThat(relay.poll()).isEqualTo(1);
        assertThat(told).containsExactly(DEV);
    }

    @Test
    void aMessageStampedSlightlyBeforeThePreviousPollIsStillSeen() {
        clock.advance(Duration.ofSeconds(10));
        relay.poll();
        queuedElsewhere(clock.instant().minusSeconds(3)); // committed late by a node whose clock is behind
        clock.advance(Duration.ofSeconds(1));
        relay.poll();
        assertThat(told).containsExactly(DEV);
    }

    @Test
    void aLockThatRunsOutIsAnnouncedWhenItDoes() {
        queuedElsewhere(T0);
        store.lockNext(DEV, T0, T0.plusSeconds(60), "held-elsewhere").orElseThrow();
        clock.advance(Duration.ofSeconds(30));
        relay.poll();
        assertThat(told).as("still locked").isEmpty();
        clock.advance(Duration.ofSeconds(30));
        relay.poll();
        assertThat(told).containsExactly(DEV);
    }

    @Test
    void nothingNewMeansNothingAnnounced() {
        assertThat(relay.poll()).isZero();
        assertThat(told).isEmpty();
    }
}
