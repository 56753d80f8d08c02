package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The event-stream part of the store contract ({@link StoreContractTest} runs it on H2 and PostgreSQL): appends get
 * consecutive sequence numbers in commit order under concurrent writers, content survives byte for byte, positions by
 * time, retention from the oldest, consumer groups and owner levels.
 */
interface HubEventStoreContract {
    String EVENTS_HUB = "Hub-Events.example.net";
    Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    Stores stores();

    private HubEventStore events() {
        return stores().events();
    }

    private void createStream() {
        assertThat(events().createStream(new EventStream(EVENTS_HUB, 4, T0))).isTrue();
    }

    static EventContent content(String text) {
        return new EventContent(text.getBytes(StandardCharsets.UTF_8), Map.of("kind", "alarm", "n", text),
                Map.of("iothub-connection-device-id", "dev-1", "content-type", "application/json"));
    }

    @Test
    default void aStreamIsCreatedOnceWithItsPartitionsAndTheDefaultConsumerGroup() {
        createStream();
        assertThat(events().createStream(new EventStream(EVENTS_HUB.toLowerCase(), 2, T0))).isFalse();
        assertThat(events().stream(EVENTS_HUB).orElseThrow().partitionCount()).isEqualTo(4);
        assertThat(events().stream("other.example.net")).isEmpty();
        assertThat(events().consumerGroups(EVENTS_HUB)).extracting(ConsumerGroup::name)
                .containsExactly(ConsumerGroup.DEFAULT);
        PartitionState empty = events().partition(EVENTS_HUB, 3);
        assertThat(empty.empty()).isTrue();
        assertThat(empty.beginSequence()).isZero();
        assertThat(empty.lastSequence()).isEqualTo(-1);
        assertThat(empty.lastEnqueuedTime()).isNull();
    }

    @Test
    default void appendedEventsGetConsecutiveSequenceNumbersAndComeBackByteForByte() {
        createStream();
        byte[] binary = {0, (byte) 0xff, 1, (byte) 0x80};
        EventContent raw = new EventContent(binary, Map.of(), Map.of("message-id", "m-1"));
        List<HubEvent> first = events().append(EVENTS_HUB, 1, T0, List.of(content("a"), raw));
        List<HubEvent> second = events().append(EVENTS_HUB, 1, T0.plusSeconds(1), List.of(content("c")));
        assertThat(first).extracting(HubEvent::sequence).containsExactly(0L, 1L);
        assertThat(second).extracting(HubEvent::sequence).containsExactly(2L);

        List<HubEvent> read = events().read(EVENTS_HUB, 1, 0, 10);
        assertThat(read).extracting(HubEvent::sequence).containsExactly(0L, 1L, 2L);
        assertThat(read.get(0).content()).isEqualTo(content("a"));
        assertThat(read.get(1).content().body()).containsExactly(binary);
        assertThat(read.get(2).enqueuedTime()).isEqualTo(T0.plusSeconds(1));
        assertThat(events().read(EVENTS_HUB, 1, 1, 1)).extracting(HubEvent::sequence).containsExactly(1L);
        assertThat(events().read(EVENTS_HUB, 0, 0, 10)).isEmpty();

        PartitionState state = events().partition(EVENTS_HUB, 1);
        assertThat(state.beginSequence()).isZero();
        assertThat(state.lastSequence()).isEqualTo(2);
        assertThat(state.lastEnqueuedTime()).isEqualTo(T0.plusSeconds(1));
        assertThat(state.empty()).isFalse();
    }

    @Test
    default void anAppendToAPartitionTheHubDoesNotHaveIsRefused() {
        createStream();
        assertThatThrownBy(() -> events().append(EVENTS_HUB, 4, T0, List.of(content("x"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> events().append("nohub.example.net", 0, T0, List.of(content("x"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void concurrentAppendersNeverShareOrSkipASequenceNumber() throws Exception {
        createStream();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<HubEvent>>> appends = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                appends.add(pool.submit(() -> events().append(EVENTS_HUB, 2, T0,
                        List.of(content("x" + n), content("y" + n)))));
            }
            List<Long> sequences = new ArrayList<>();
            for (Future<List<HubEvent>> f : appends) {
                List<HubEvent> batch = f.get();
                assertThat(batch.get(1).sequence()).isEqualTo(batch.get(0).sequence() + 1);
                batch.forEach(e -> sequences.add(e.sequence()));
            }
            Collections.sort(sequences);
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < 80; s++) {
                expected.add(s);
            }
            assertThat(sequences).isEqualTo(expected);
            assertThat(events().read(EVENTS_HUB, 2, 0, 100)).hasSize(80);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void positionsByEnqueuedTimeFindTheFirstEventAtOrAfterIt() {
        createStream();
        events().append(EVENTS_HUB, 0, T0, List.of(content("a")));
        events().append(EVENTS_HUB, 0, T0.plusSeconds(10), List.of(content("b"), content("c")));
        assertThat(events().firstSequenceEnqueuedAtOrAfter(EVENTS_HUB, 0, T0.minusSeconds(1))).isZero();
        assertThat(events().firstSequenceEnqueuedAtOrAfter(EVENTS_HUB, 0, T0.plusSeconds(5))).isEqualTo(1);
        assertThat(events().firstSequenceEnqueuedAtOrAfter(EVENTS_HUB, 0, T0.plusSeconds(10))).isEqualTo(1);
        assertThat(events().firstSequenceEnqueuedAtOrAfter(EVENTS_HUB, 0, T0.plusSeconds(11))).isEqualTo(3);
    }

    @Test
    default void retentionRemovesTheOldestEventsAndTheSequenceKeepsCounting() {
        createStream();
        events().append(EVENTS_HUB, 0, T0, List.of(content("a"), content("b")));
        events().append(EVENTS_HUB, 0, T0.plusSeconds(100), List.of(content("c")));
        events().append(EVENTS_HUB, 3, T0, List.of(content("d")));
        assertThat(events().removeEnqueuedBefore(T0.plusSeconds(50), 1000)).isEqualTo(3);
        assertThat(events().read(EVENTS_HUB, 0, 0, 10)).extracting(HubEvent::sequence).containsExactly(2L);
        PartitionState p0 = events().partition(EVENTS_HUB, 0);
        assertThat(p0.beginSequence()).isEqualTo(2);
        PartitionState p3 = events().partition(EVENTS_HUB, 3);
        assertThat(p3.empty()).isTrue();
        assertThat(p3.beginSequence()).isEqualTo(1);
        assertThat(p3.lastSequence()).isZero();
        assertThat(events().append(EVENTS_HUB, 3, T0.plusSeconds(200), List.of(content("e"))).get(0).sequence())
                .isEqualTo(1);
    }

    @Test
    default void retentionRemovesNoMoreThanItsLimitAtATime() {
        createStream();
        List<EventContent> five = List.of(content("1"), content("2"), content("3"), content("4"), content("5"));
        events().append(EVENTS_HUB, 0, T0, five);
        assertThat(events().removeEnqueuedBefore(T0.plusSeconds(1), 2)).isEqualTo(2);
        assertThat(events().partition(EVENTS_HUB, 0).beginSequence()).isEqualTo(2);
        assertThat(events().removeEnqueuedBefore(T0.plusSeconds(1), 10)).isEqualTo(3);
        assertThat(events().partition(EVENTS_HUB, 0).empty()).isTrue();
    }

    @Test
    default void consumerGroupsAreAddedOnceAndDefaultStays() {
        createStream();
        assertThat(events().addConsumerGroup(EVENTS_HUB, new ConsumerGroup("analytics", T0))).isTrue();
        assertThat(events().addConsumerGroup(EVENTS_HUB, new ConsumerGroup("analytics", T0))).isFalse();
        assertThat(events().addConsumerGroup(EVENTS_HUB, new ConsumerGroup("Archive", T0))).isTrue();
        assertThat(events().consumerGroups(EVENTS_HUB)).extracting(ConsumerGroup::name)
                .containsExactly(ConsumerGroup.DEFAULT, "Archive", "analytics");
        assertThat(events().removeConsumerGroup(EVENTS_HUB, ConsumerGroup.DEFAULT)).isFalse();
        assertThat(events().removeConsumerGroup(EVENTS_HUB, "analytics")).isTrue();
        assertThat(events().removeConsumerGroup(EVENTS_HUB, "analytics")).isFalse();
        assertThat(events().consumerGroups(EVENTS_HUB)).extracting(ConsumerGroup::name)
                .containsExactly(ConsumerGroup.DEFAULT, "Archive");
        assertThatThrownBy(() -> events().addConsumerGroup("nohub.example.net", new ConsumerGroup("x", T0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void aHigherOrEqualOwnerLevelTakesThePartitionOverAndALowerOneIsRefused() {
        createStream();
        String g = ConsumerGroup.DEFAULT;
        assertThat(events().claimOwner(EVENTS_HUB, g, 0, new PartitionOwner(5, "node-a/link-1", T0))).isTrue();
        assertThat(events().claimOwner(EVENTS_HUB, g, 0, new PartitionOwner(4, "node-b/link-2", T0))).isFalse();
        assertThat(events().owner(EVENTS_HUB, g, 0).orElseThrow().holder()).isEqualTo("node-a/link-1");
        assertThat(events().claimOwner(EVENTS_HUB, g, 0, new PartitionOwner(5, "node-b/link-3", T0))).isTrue();
        assertThat(events().owner(EVENTS_HUB, g, 0).orElseThrow().holder()).isEqualTo("node-b/link-3");
        events().releaseOwner(EVENTS_HUB, g, 0, "node-a/link-1");
        assertThat(events().owner(EVENTS_HUB, g, 0)).isPresent();
        events().releaseOwner(EVENTS_HUB, g, 0, "node-b/link-3");
        assertThat(events().owner(EVENTS_HUB, g, 0)).isEmpty();
        assertThat(events().owner(EVENTS_HUB, g, 1)).isEmpty();
    }
}
