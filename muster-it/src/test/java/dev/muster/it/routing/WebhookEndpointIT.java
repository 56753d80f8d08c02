package dev.muster.it.routing;

import static dev.muster.it.routing.OutboxUnderTest.HUB;
import static dev.muster.it.routing.OutboxUnderTest.await;
import static dev.muster.it.routing.OutboxUnderTest.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook route endpoint over the durable outbox (H2): a receiver that fails first gets the message on a later
 * attempt; one that keeps failing leaves it dead-lettered after the endpoint's attempts, with the last error; replay
 * delivers it once the receiver is well.
 */
class WebhookEndpointIT {
    private record Received(Map<String, List<String>> headers, String body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile IntSupplier status = () -> 200;
    private HttpServer server;
    private OutboxUnderTest hub;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        });
        server.start();
        hub = new OutboxUnderTest(OutboxUnderTest.FAST);
    }

    @AfterEach
    void stop() throws Exception {
        hub.close();
        server.stop(0);
    }

    private WebhookEndpoint webhook(int maxAttempts) {
        return new WebhookEndpoint("hook", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook"),
                Map.of("Authorization", "Bearer it"), maxAttempts);
    }

    private static String header(Received r, String name) {
        return r.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }

    @Test
    void aWebhookThatFailsFirstGetsTheMessageWithItsHeadersOnALaterAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        status = () -> calls.incrementAndGet() <= 2 ? 503 : 204;
        hub.use(webhook(5));
        hub.send("hook", List.of(telemetry("dev-w", 1)));

        await(Duration.ofSeconds(20), () -> hub.store.backlog(HUB, "hook") == 0, "delivered");
        assertThat(received).hasSize(3);
        Received last = received.get(2);
        assertThat(last.body()).isEqualTo("{\"n\":1}");
        assertThat(header(last, "Content-Type")).isEqualTo("application/json");
        assertThat(header(last, "iothub-app-seq")).isEqualTo("1");
        assertThat(header(last, "iothub-connection-device-id")).isEqualTo("dev-w");
        assertThat(header(last, "iothub-message-id")).isEqualTo("dev-w-1");
        assertThat(header(last, "Authorization")).isEqualTo("Bearer it");
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aMessageOutOfAttemptsIsDeadLetteredAndReplayDeliversIt() throws Exception {
        status = () -> 500;
        hub.use(webhook(3));
        hub.send("hook", List.of(telemetry("dev-w", 2)));

        await(Duration.ofSeconds(20), () -> !hub.store.deadLetters(HUB, "hook", 0, 10).isEmpty(), "dead-lettered");
        OutboxEntry dead = hub.store.deadLetters(HUB, "hook", 0, 10).get(0);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("HTTP 500");
        assertThat(received).hasSize(3);
        assertThat(hub.store.backlog(HUB, "hook")).isZero();

        status = () -> 200;
        assertThat(hub.outbox.replay(HUB, null, List.of(dead.id()), Instant.now())).isEqualTo(1);

        await(Duration.ofSeconds(20), () -> received.size() == 4 && hub.store.backlog(HUB, "hook") == 0,
                "the replayed message is delivered");
        assertThat(received.get(3).body()).isEqualTo("{\"n\":2}");
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }
}
