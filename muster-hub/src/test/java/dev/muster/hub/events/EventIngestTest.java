package dev.muster.hub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.testing.InMemoryEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventIngestTest {
    private static final String HUB = "hub1.example.net";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);

    private final InMemoryEventStore store = new InMemoryEventStore();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static EventContent message(String text) {
        return new EventContent(text.getBytes(StandardCharsets.UTF_8), Map.of("k", text), Map.of());
    }

    private static List<HubEvent> all(InMemoryEventStore s, int partitions) {
        List<HubEvent> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            out.addAll(s.read(HUB, p, 0, 10_000));
        }
        return out;
    }

    @Test
    void aMessageIsOnDiskInItsDevicesPartitionWhenItsStageCompletes() {
        EventIngest ingest = new EventIngest(EventIngest.Options.of(store, null, CLOCK, pool));
        ingest.ingest(HUB, "dev-1", message("a")).toCompletableFuture().join();

        int partition = EventIngest.partitionOf("dev-1", 4);
        List<HubEvent> events = store.read(HUB, partition, 0, 10);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).content()).isEqualTo(message("a"));
        assertThat(events.get(0).enqueuedTime()).isEqualTo(CLOCK.instant());
        assertThat(store.stream(HUB).orElseThrow().partitionCount()).isEqualTo(4);
    }

    @Test
    void oneDevicesMessagesKeepTheirOrderInOnePartition() {
        EventIngest ingest = new EventIngest(EventIngest.Options.of(store, null, CLOCK, pool));
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(ingest.ingest(HUB, "dev-7", message("m" + i)).toCompletableFuture());
        }
        sent.forEach(CompletableFuture::join);
        List<HubEvent> events = store.read(HUB, EventIngest.partitionOf("dev-7", 4), 0, 1000);
        assertThat(events).extracting(e -> new String(e.content().body(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void devicesSpreadOverEveryPartition() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            used.add(EventIngest.partitionOf("device-" + i, 4));
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2, 3);
        assertThat(EventIngest.partitionOf("device-1", 4)).isEqualTo(EventIngest.partitionOf("device-1", 4));
    }

    @Test
    void concurrentSendersAreWrittenInFewerTransactionsThanMessages() throws Exception {
        int[] appends = {0};
        InMemoryEventStore counting = new InMemoryEventStore();
        EventIngest ingest = new EventIngest(EventIngest.Options.of(new CountingStore(counting, appends), null, CLOCK,
                pool));
        ingest.stream(HUB);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Void>> sent = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int thread = t;
            senders.execute(() -> {
                for (int i = 0; i < 250; i++) {
                    sent.add(ingest.ingest(HUB, "dev-" + thread, message(thread + "-" + i)).toCompletableFuture());
                }
            });
        }
        senders.shutdown();
        assertThat(senders.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        sent.forEach(CompletableFuture::join);
        assertThat(all(counting, 4)).hasSize(2000);
        assertThat(appends[0]).isLessThan(2000);
    }

    @Test
    void aSaturatedPartitionRefusesInsteadOfGrowingMemory() {
        ExecutorService stalled = Executors.newSingleThreadExecutor();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        stalled.execute(gate::join);
        try {
            EventIngest ingest = new EventIngest(EventIngest.Options.of(store, null, CLOCK, stalled)
                    .withQueueLimits(10, 3));
            store.createStream(new dev.muster.core.hub.events.EventStream(HUB, 4, CLOCK.instant()));
            // Known stream: the first ingest looks it up on the stalled executor too, so warm it through stream().
            ingest.stream(HUB);
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(ingest.ingest(HUB, "dev-1", message("m" + i)).toCompletableFuture());
            }
            assertThatThrownBy(sent.get(3)::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(EventIngest.IngestBusyException.class);
            gate.complete(null);
            sent.subList(0, 3).forEach(CompletableFuture::join);
            assertThat(store.read(HUB, EventIngest.partitionOf("dev-1", 4), 0, 10)).hasSize(3);
        } finally {
            gate.complete(null);
            stalled.shutdownNow();
        }
    }

    @Test
    void routedMessagesGoToTheirEndpointsOutboxAndOnlyThoseRoutedThereToTheBuiltInStream() {
        RecordingOutbox outbox = new RecordingOutbox();
        KafkaEndpoint kafka = new KafkaEndpoint("alarms", "127.0.0.1:9092", "alarms", Map.of());
        EventIngest ingest = new EventIngest(EventIngest.Options.of(store, outbox, CLOCK, pool).withRouter(
                (hub, m) -> m.applicationProperties().get("k").startsWith("alarm")
                        ? new RouteDecision(false, List.of(kafka)) : RouteDecision.BUILT_IN_ONLY));
        ingest.ingest(HUB, "dev-1", message("alarm-1")).toCompletableFuture().join();
        ingest.ingest(HUB, "dev-1", message("reading-1")).toCompletableFuture().join();

        assertThat(outbox.enqueued).containsExactly("alarms:alarm-1");
        assertThat(all(store, 4)).extracting(e -> e.content().applicationProperties().get("k"))
                .containsExactly("reading-1");
    }

    @Test
    void aMessageNoRouteTakesIsDoneWithoutBeingWritten() {
        EventIngest ingest = new EventIngest(EventIngest.Options.of(store, null, CLOCK, pool)
                .withRouter((hub, m) -> new RouteDecision(false, List.of())));
        ingest.ingest(HUB, "dev-1", message("x")).toCompletableFuture().join();
        assertThat(all(store, 4)).isEmpty();
    }

    @Test
    void listenersLearnTheLastSequenceWrittenToAPartition() {
        EventIngest ingest = new EventIngest(EventIngest.Options.of(store, null, CLOCK, pool));
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        ingest.addAppendListener((hub, partition, last) -> told.add(hub + "/" + partition + "/" + last));
        ingest.ingest(HUB, "dev-1", message("a")).toCompletableFuture().join();
        ingest.ingest(HUB, "dev-1", message("b")).toCompletableFuture().join();
        int p = EventIngest.partitionOf("dev-1", 4);
        assertThat(told).containsExactly(HUB + "/" + p + "/0", HUB + "/" + p + "/1");
    }

    @Test
    void aStoreFailureFailsTheMessagesOfThatWrite() {
        EventIngest ingest = new EventIngest(EventIngest.Options.of(new CountingStore(store, new int[1]) {
            @Override
            public List<HubEvent> append(String hub, int partition, Instant t, List<EventContent> events) {
                throw new IllegalStateException("disk full");
            }
        }, null, CLOCK, pool));
        assertThatThrownBy(() -> ingest.ingest(HUB, "dev-1", message("a")).toCompletableFuture().join())
                .hasRootCauseMessage("disk full");
    }

    @Test
    void retentionRemovesWhatIsOlderThanItsPeriod() {
        store.createStream(new dev.muster.core.hub.events.EventStream(HUB, 4, CLOCK.instant()));
        store.append(HUB, 0, CLOCK.instant().minusSeconds(90_000), List.of(message("old")));
        store.append(HUB, 0, CLOCK.instant().minusSeconds(60), List.of(message("new")));
        assertThat(new EventRetention(store, CLOCK, EventRetention.DEFAULT).sweep()).isEqualTo(1);
        assertThat(store.read(HUB, 0, 0, 10)).extracting(HubEvent::sequence).containsExactly(1L);
    }

    /** Counts append transactions. */
    private static class CountingStore extends DelegatingEventStore {
        private final int[] appends;

        CountingStore(InMemoryEventStore inner, int[] appends) {
            super(inner);
            this.appends = appends;
        }

        @Override
        public List<HubEvent> append(String hub, int partition, Instant t, List<EventContent> events) {
            synchronized (appends) {
                appends[0]++;
            }
            return super.append(hub, partition, t, events);
        }
    }

    private static final class RecordingOutbox implements EndpointOutbox {
        final List<String> enqueued = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void enqueue(String hub, String endpoint, Instant t, List<EventContent> messages) {
            messages.forEach(m -> enqueued.add(endpoint + ":" + m.applicationProperties().get("k")));
        }

        @Override
        public List<OutboxEntry> lockDue(String h, String e, Instant n, Instant u, String l, int m) {
            return List.of();
        }

        @Override
        public int remove(String h, String e, List<Long> ids, String l) {
            return 0;
        }

        @Override
        public boolean retryLater(String h, String e, long id, String l, Instant n, String err) {
            return false;
        }

        @Override
        public boolean deadLetter(String h, String e, long id, String l, String err) {
            return false;
        }

        @Override
        public List<OutboxEntry> deadLetters(String h, String e, long a, int m) {
            return List.of();
        }

        @Override
        public int replay(String h, String e, List<Long> ids, Instant n) {
            return 0;
        }

        @Override
        public long backlog(String h, String e) {
            return 0;
        }
    }
}
