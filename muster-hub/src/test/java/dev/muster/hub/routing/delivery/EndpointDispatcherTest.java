package dev.muster.hub.routing.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.core.testing.InMemoryEndpointOutbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EndpointDispatcherTest {
    private static final String HUB = "Hub-1.example.net";
    private static final DispatcherOptions FAST = DispatcherOptions.defaults()
            .withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), () -> 0.5))
            .withPolling(Duration.ofMillis(50), Duration.ofMillis(100));

    private final InMemoryEndpointOutbox store = new InMemoryEndpointOutbox();
    private final List<RouteEndpoint> endpoints = new CopyOnWriteArrayList<>();
    private LocalWebhook hook;
    private EndpointDispatcher dispatcher;
    private EndpointOutbox outbox;

    @BeforeEach
    void start() throws Exception {
        hook = new LocalWebhook();
        dispatcher = new EndpointDispatcher(store, () -> Map.of(HUB, List.copyOf(endpoints)), FAST).start();
        outbox = dispatcher.waking(store);
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.close();
        hook.close();
    }

    private WebhookEndpoint webhook(String name, int maxAttempts) {
        WebhookEndpoint w = new WebhookEndpoint(name, hook.url("/" + name), Map.of(), maxAttempts);
        endpoints.add(w);
        dispatcher.refresh();
        return w;
    }

    private void send(String endpoint, String... bodies) {
        outbox.enqueue(HUB, endpoint, Instant.now(), java.util.Arrays.stream(bodies)
                .map(b -> new EventContent(b.getBytes(StandardCharsets.UTF_8), Map.of(), Map.of())).toList());
    }

    private List<String> receivedBodies() {
        return hook.received.stream().map(r -> new String(r.body(), StandardCharsets.UTF_8)).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void enqueuedMessagesAreDeliveredAndLeaveTheOutbox() throws Exception {
        webhook("hook", 5);
        send("hook", "a", "b", "c");

        await(() -> store.backlog(HUB, "hook") == 0 && hook.received.size() == 3, "all three are delivered");
        assertThat(receivedBodies()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aWebhookThatFailsFirstGetsTheMessageOnALaterAttempt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        hook.answer(() -> calls.incrementAndGet() <= 2 ? 503 : 200);
        webhook("hook", 5);
        send("hook", "a");

        await(() -> store.backlog(HUB, "hook") == 0, "delivered");
        assertThat(calls.get()).isEqualTo(3);
        assertThat(store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aMessageOutOfAttemptsIsDeadLetteredWithTheLastErrorAndReplayDeliversIt() throws Exception {
        hook.answer(() -> 500);
        webhook("hook", 3);
        send("hook", "a");

        await(() -> !store.deadLetters(HUB, "hook", 0, 10).isEmpty(), "dead-lettered");
        OutboxEntry dead = store.deadLetters(HUB, "hook", 0, 10).get(0);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("HTTP 500");
        assertThat(hook.received).hasSize(3);

        hook.answer(() -> 200);
        assertThat(outbox.replay(HUB, "hook", List.of(dead.id()), Instant.now())).isEqualTo(1);
        await(() -> hook.received.size() == 4 && store.backlog(HUB, "hook") == 0, "replayed and delivered");
        assertThat(store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aRefusalDeadLettersAtOnce() throws Exception {
        hook.answer(() -> 400);
        webhook("hook", 8);
        send("hook", "a");

        await(() -> !store.deadLetters(HUB, "hook", 0, 10).isEmpty(), "dead-lettered");
        assertThat(hook.received).hasSize(1);
        assertThat(store.deadLetters(HUB, "hook", 0, 10).get(0).lastError()).contains("HTTP 400");
    }

    @Test
    void aDeadEndpointIsProbedWithOneMessageAtATimeNotTheWholeBacklog() throws Exception {
        hook.answer(() -> 503);
        webhook("hook", 1_000);
        send("hook", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t");

        // The first pass sends a batch (16); then one probe per endpoint back-off step, capped at 200 ms · 0.75.
        await(() -> hook.received.size() >= 26, "the back-off reaches its cap");
        int before = hook.received.size();
        Thread.sleep(1_500);
        int during = hook.received.size() - before;
        assertThat(during).as("one probe per step, not 20 entries per step").isBetween(1, 12);
        assertThat(store.backlog(HUB, "hook")).isEqualTo(20);
    }

    @Test
    void aRemovedEndpointStopsAndItsEntriesWait() throws Exception {
        WebhookEndpoint w = webhook("hook", 5);
        send("hook", "a");
        await(() -> hook.received.size() == 1, "first delivered");

        endpoints.remove(w);
        dispatcher.refresh();
        assertThat(dispatcher.endpoints()).isEmpty();
        send("hook", "b");
        Thread.sleep(300);
        assertThat(hook.received).hasSize(1);
        assertThat(store.backlog(HUB, "hook")).isEqualTo(1);
    }

    @Test
    void twoNodesOnOneOutboxDeliverEachMessageOnce() throws Exception {
        webhook("hook", 5);
        try (EndpointDispatcher otherNode = new EndpointDispatcher(store, () -> Map.of(HUB, List.copyOf(endpoints)),
                FAST).start()) {
            otherNode.refresh();
            for (int i = 0; i < 10; i++) {
                send("hook", java.util.stream.IntStream.range(0, 20).mapToObj(n -> "m" + n).toArray(String[]::new));
            }
            await(() -> store.backlog(HUB, "hook") == 0, "all 200 delivered");
        }
        assertThat(hook.received).hasSize(200);
    }

    @Test
    void entriesANodeHeldWhenItDiedAreDeliveredByAnotherOnceTheLockRunsOut() throws Exception {
        send("hook", "orphan");
        // A node that locked the entry and died: nobody removes it, its lock runs out.
        assertThat(store.lockDue(HUB, "hook", Instant.now(), Instant.now().plusMillis(500), "dead-node", 10)).hasSize(1);
        webhook("hook", 5);
        Thread.sleep(300);
        assertThat(hook.received).as("still locked by the dead node").isEmpty();

        await(() -> hook.received.size() == 1 && store.backlog(HUB, "hook") == 0, "taken over after the lock");
        assertThat(receivedBodies()).containsExactly("orphan");
    }

    @Test
    void theBacklogIsReportedPerEndpoint() throws Exception {
        hook.answer(() -> 503);
        webhook("hook", 1_000);
        send("hook", "a", "b");
        await(() -> dispatcher.backlogs().getOrDefault(EndpointDispatcher.EndpointKey.of(HUB, "hook"), 0L) == 2,
                "backlog gauge reads 2");
    }
}
