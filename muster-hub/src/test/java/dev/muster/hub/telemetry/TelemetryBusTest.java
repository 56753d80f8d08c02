package dev.muster.hub.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.TelemetryBus;
import dev.muster.hub.TelemetryMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class TelemetryBusTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final TelemetrySender SENDER = new TelemetrySender(new ConnectionKey("hub.test", "dev-1", "m"),
            ConnectionAuth.SAS, "g");

    /** An ingest whose writes the test completes by hand. */
    private static final class HeldIngest implements TelemetryIngest {
        final List<EventContent> ingested = new ArrayList<>();
        final List<String> modules = new ArrayList<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();

        @Override
        public CompletionStage<Void> ingest(String hub, String deviceId, String moduleId, EventContent content) {
            ingested.add(content);
            modules.add(moduleId);
            CompletableFuture<Void> w = new CompletableFuture<>();
            writes.add(w);
            return w;
        }
    }

    private static EventContent message(String id) {
        return new EventContent(id.getBytes(), Map.of(), Map.of("message-id", id));
    }

    @Test
    void messagesAreStampedIngestedInOrderAndShownToListenersOnlyOnceDurable() {
        HeldIngest ingest = new HeldIngest();
        TelemetryBus bus = new TelemetryBus().ingestInto(ingest);
        List<TelemetryMessage> seen = new ArrayList<>();
        bus.addTelemetryListener(seen::add);

        CompletableFuture<Void> done = bus.receive(SENDER, NOW, List.of(message("a"), message("b")))
                .toCompletableFuture();

        assertThat(ingest.ingested).hasSize(1);
        assertThat(ingest.ingested.get(0).systemProperty("iothub-connection-module-id")).isEqualTo("m");
        assertThat(ingest.modules).containsExactly("m");
        ingest.writes.get(0).complete(null);
        assertThat(ingest.ingested).hasSize(2);
        assertThat(done).isNotDone();
        assertThat(seen).isEmpty();
        ingest.writes.get(1).complete(null);
        assertThat(done).isCompleted();
        assertThat(seen).extracting(m -> m.systemProperties().get("message-id")).containsExactly("a", "b");
        assertThat(seen.get(0).systemProperties()).containsEntry("iothub-enqueuedtime", NOW.toString());
    }

    @Test
    void aFailedWriteFailsTheReceiveAndNothingIsShown() {
        HeldIngest ingest = new HeldIngest();
        TelemetryBus bus = new TelemetryBus().ingestInto(ingest);
        List<TelemetryMessage> seen = new ArrayList<>();
        bus.addTelemetryListener(seen::add);

        CompletableFuture<Void> done = bus.receive(SENDER, NOW, List.of(message("a"))).toCompletableFuture();
        ingest.writes.get(0).completeExceptionally(new IllegalStateException("disk full"));

        assertThat(done).isCompletedExceptionally();
        assertThat(seen).isEmpty();
    }

    @Test
    void aMessageOverTheLimitIsRefusedBeforeAnythingIsIngested() {
        HeldIngest ingest = new HeldIngest();
        TelemetryBus bus = new TelemetryBus().ingestInto(ingest);

        CompletableFuture<Void> done = bus.receive(SENDER, NOW,
                List.of(new EventContent(new byte[256 * 1024 + 1], null, null))).toCompletableFuture();

        assertThat(done).isCompletedExceptionally();
        assertThat(done.handle((v, e) -> e).join()).isInstanceOf(HubError.class);
        assertThat(ingest.ingested).isEmpty();
    }

    @Test
    void aFailingListenerDoesNotUndoADurableMessage() {
        TelemetryBus bus = new TelemetryBus();
        bus.addTelemetryListener(m -> {
            throw new IllegalStateException("listener bug");
        });

        assertThat(bus.receive(SENDER, NOW, List.of(message("a"))).toCompletableFuture()).isCompleted();
    }
}
