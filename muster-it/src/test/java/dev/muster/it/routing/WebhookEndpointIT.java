package dev.muster.it.routing;

import static dev.muster.it.routing.OutboxUnderTest.HUB;
import static dev.muster.it.routing.OutboxUnderTest.await;
import static dev.muster.it.routing.OutboxUnderTest.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook route endpoint over the durable outbox (H2): a receiver that fails first gets the message on a later
 * attempt; one that keeps failing leaves it dead-lettered after the endpoint's attempts, with the last error; replay
 * delivers it once the receiver is well.
 */
class WebhookEndpointIT {
    private WebhookReceiver receiver;
    private OutboxUnderTest hub;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver("/hook");
        hub = new OutboxUnderTest(OutboxUnderTest.FAST);
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        receiver.close();
    }

    private WebhookEndpoint webhook(int maxAttempts) {
        return new WebhookEndpoint("hook", receiver.url(),
                Map.of("Authorization", "Bearer it"), maxAttempts);
    }

    @Test
    void aWebhookThatFailsFirstGetsTheMessageWithItsHeadersOnALaterAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(() -> calls.incrementAndGet() <= 2 ? 503 : 204);
        hub.use(webhook(5));
        hub.send("hook", List.of(telemetry("dev-w", 1)));

        await(Duration.ofSeconds(20), () -> hub.store.backlog(HUB, "hook") == 0, "delivered");
        assertThat(receiver.received()).hasSize(3);
        WebhookReceiver.Received last = receiver.received().get(2);
        assertThat(last.body()).isEqualTo("{\"n\":1}");
        assertThat(last.header("Content-Type")).isEqualTo("application/json");
        assertThat(last.header("iothub-app-seq")).isEqualTo("1");
        assertThat(last.header("iothub-connection-device-id")).isEqualTo("dev-w");
        assertThat(last.header("iothub-message-id")).isEqualTo("dev-w-1");
        assertThat(last.header("Authorization")).isEqualTo("Bearer it");
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aMessageOutOfAttemptsIsDeadLetteredAndReplayDeliversIt() throws Exception {
        receiver.answer(500);
        hub.use(webhook(3));
        hub.send("hook", List.of(telemetry("dev-w", 2)));

        await(Duration.ofSeconds(20), () -> !hub.store.deadLetters(HUB, "hook", 0, 10).isEmpty(), "dead-lettered");
        OutboxEntry dead = hub.store.deadLetters(HUB, "hook", 0, 10).get(0);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("HTTP 500");
        assertThat(receiver.received()).hasSize(3);
        assertThat(hub.store.backlog(HUB, "hook")).isZero();

        receiver.answer(200);
        assertThat(hub.outbox.replay(HUB, null, List.of(dead.id()), Instant.now())).isEqualTo(1);

        await(Duration.ofSeconds(20), () -> receiver.received().size() == 4 && hub.store.backlog(HUB, "hook") == 0,
                "the replayed message is delivered");
        assertThat(receiver.received().get(3).body()).isEqualTo("{\"n\":2}");
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }
}
