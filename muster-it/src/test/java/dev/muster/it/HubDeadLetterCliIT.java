package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.it.routing.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code muster hub deadletter list|replay} against a running Muster whose webhook endpoint refused a message. */
class HubDeadLetterCliIT {
    private final AtomicInteger status = new AtomicInteger(404);
    private final AtomicInteger calls = new AtomicInteger();
    private final String hub = MusterUnderTest.hub();
    private WebhookReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver("/cli-hook");
        receiver.answer(() -> {
            calls.incrementAndGet();
            return status.get();
        });
        WebhookEndpoint hook = new WebhookEndpoint("cli-hook",
                receiver.url(), Map.of(), 3);
        MusterUnderTest.server().endpointSource(() -> Map.of(hub, List.of(hook)));
    }

    @AfterEach
    void stop() {
        MusterUnderTest.server().endpointSource(null);
        receiver.close();
    }

    private JsonNode listed() {
        CliIT.Run list = CliIT.muster("hub", "deadletter", "list", "--endpoint", "cli-hook", "-o", "json");
        assertThat(list.exit()).as(list.err()).isZero();
        return Json.tree(list.out());
    }

    @Test
    void anOperatorListsADeadLetterAndReplaysIt() throws Exception {
        MusterUnderTest.server().endpointOutbox().enqueue(hub, "cli-hook", Instant.now(), List.of(new EventContent(
                "{\"t\":1}".getBytes(StandardCharsets.UTF_8), Map.of("kind", "cli"),
                Map.of("iothub-connection-device-id", "cli-dev"))));
        // Waited for in the store, not by running the CLI: the server logs the dead-lettering on this JVM's stdout,
        // which the CLI's output is captured from.
        long end = System.nanoTime() + 20_000_000_000L;
        while (MusterUnderTest.server().endpointOutbox().deadLetters(hub, "cli-hook", 0, 1).isEmpty()
                && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        Thread.sleep(200);
        JsonNode dead = listed().get(0);
        assertThat(dead.path("lastError").asText()).contains("HTTP 404");
        CliIT.Run table = CliIT.muster("hub", "deadletter", "list");
        assertThat(table.out()).contains("cli-hook").contains("cli-dev").contains("HTTP 404");

        status.set(200);
        CliIT.Run replay = CliIT.muster("hub", "deadletter", "replay", dead.path("id").asText());
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("Replayed 1 of 1");

        end = System.nanoTime() + 20_000_000_000L;
        while (calls.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(calls.get()).isEqualTo(2);
        end = System.nanoTime() + 5_000_000_000L;
        while (MusterUnderTest.server().endpointOutbox().backlog(hub, "cli-hook") > 0 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(listed()).isEmpty();
    }
}
