package dev.muster.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EndpointOutbox} must do: the in-memory one (core's tests) and the JDBC one on H2 and PostgreSQL
 * (the store contract) run these same cases. Each test starts from an empty outbox.
 */
public interface EndpointOutboxContract {
    String OUTBOX_HUB = "Hub-Outbox.example.net";
    Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    EndpointOutbox endpointOutbox();

    static EventContent message(String text) {
        Map<String, String> app = new LinkedHashMap<>();
        app.put("zeta", "1");
        app.put("alpha", "two");
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put("iothub-connection-device-id", "dev-1");
        sys.put("content-type", "application/json");
        return new EventContent(text.getBytes(StandardCharsets.UTF_8), app, sys);
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private static List<String> bodies(List<OutboxEntry> entries) {
        return entries.stream().map(e -> new String(e.content().body(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    default void entriesAreLockedInEnqueueOrderWithTheirContentIntact() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "kafka", T0, List.of(message("a"), message("b")));
        o.enqueue(OUTBOX_HUB, "kafka", T0.plusSeconds(1), List.of(message("c")));

        List<OutboxEntry> locked = o.lockDue(OUTBOX_HUB, "kafka", T0.plusSeconds(1), T0.plusSeconds(60), token(), 10);

        assertThat(bodies(locked)).containsExactly("a", "b", "c");
        assertThat(locked.get(0).content()).isEqualTo(message("a"));
        assertThat(locked.get(0).content().applicationProperties().keySet()).containsExactly("zeta", "alpha");
        assertThat(locked.get(0).attempts()).isZero();
        assertThat(locked.get(0).enqueuedTime()).isEqualTo(T0);
        assertThat(locked.get(0).endpoint()).isEqualTo("kafka");
        assertThat(locked.get(0).id()).isLessThan(locked.get(1).id());
        assertThat(o.backlog(OUTBOX_HUB, "kafka")).isEqualTo(3);
    }

    @Test
    default void onlyDueEntriesAreLockedAndAtMostTheBatch() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "hook", T0, List.of(message("a"), message("b"), message("c")));
        o.enqueue(OUTBOX_HUB, "hook", T0.plusSeconds(30), List.of(message("later")));

        assertThat(bodies(o.lockDue(OUTBOX_HUB, "hook", T0, T0.plusSeconds(60), token(), 2))).containsExactly("a", "b");
        assertThat(bodies(o.lockDue(OUTBOX_HUB, "hook", T0, T0.plusSeconds(60), token(), 10))).containsExactly("c");
        assertThat(o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(10), T0.plusSeconds(60), token(), 10)).isEmpty();
    }

    @Test
    default void endpointsAndHubsHaveTheirOwnEntriesAndTheHubNameIgnoresCase() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "one", T0, List.of(message("1")));
        o.enqueue(OUTBOX_HUB, "two", T0, List.of(message("2")));
        o.enqueue("other-hub.example.net", "one", T0, List.of(message("x")));

        assertThat(bodies(o.lockDue(OUTBOX_HUB.toUpperCase(), "one", T0, T0.plusSeconds(60), token(), 10)))
                .containsExactly("1");
        assertThat(o.backlog(OUTBOX_HUB.toLowerCase(), "two")).isEqualTo(1);
        assertThat(o.backlog("other-hub.example.net", "two")).isZero();
    }

    @Test
    default void aLockThatRunsOutMakesTheEntryDueAgainForAnotherNode() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "hook", T0, List.of(message("a")));
        String dead = token();
        assertThat(o.lockDue(OUTBOX_HUB, "hook", T0, T0.plusSeconds(60), dead, 10)).hasSize(1);
        assertThat(o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(59), T0.plusSeconds(120), token(), 10)).isEmpty();

        String taker = token();
        List<OutboxEntry> taken = o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(60), T0.plusSeconds(120), taker, 10);

        assertThat(bodies(taken)).containsExactly("a");
        long id = taken.get(0).id();
        assertThat(o.remove(OUTBOX_HUB, "hook", List.of(id), dead)).as("the first node's token no longer holds it").isZero();
        assertThat(o.retryLater(OUTBOX_HUB, "hook", id, dead, T0, "late")).isFalse();
        assertThat(o.deadLetter(OUTBOX_HUB, "hook", id, dead, "late")).isFalse();
        assertThat(o.remove(OUTBOX_HUB, "hook", List.of(id), taker)).isEqualTo(1);
        assertThat(o.backlog(OUTBOX_HUB, "hook")).isZero();
        assertThat(o.deadLetters(OUTBOX_HUB, null, 0, 10)).isEmpty();
    }

    @Test
    default void aFailedAttemptCountsAndMakesTheEntryDueAtItsNextAttempt() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "hook", T0, List.of(message("a")));
        String lock = token();
        long id = o.lockDue(OUTBOX_HUB, "hook", T0, T0.plusSeconds(60), lock, 10).get(0).id();

        assertThat(o.retryLater(OUTBOX_HUB, "hook", id, lock, T0.plusSeconds(5), "HTTP 503")).isTrue();
        assertThat(o.retryLater(OUTBOX_HUB, "hook", id, lock, T0.plusSeconds(5), "twice")).as("unlocked now").isFalse();

        assertThat(o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(4), T0.plusSeconds(60), token(), 10)).isEmpty();
        OutboxEntry again = o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(5), T0.plusSeconds(60), token(), 10).get(0);
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempts()).isEqualTo(1);
        assertThat(again.lastError()).isEqualTo("HTTP 503");
        assertThat(again.nextAttemptAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    default void deadLettersAreListedInIdOrderAndReplayedDueNowWithNoAttempts() {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "hook", T0, List.of(message("a"), message("b"), message("c")));
        o.enqueue(OUTBOX_HUB, "other", T0, List.of(message("o")));
        String lock = token();
        List<OutboxEntry> locked = o.lockDue(OUTBOX_HUB, "hook", T0, T0.plusSeconds(60), lock, 10);
        String otherLock = token();
        OutboxEntry other = o.lockDue(OUTBOX_HUB, "other", T0, T0.plusSeconds(60), otherLock, 10).get(0);
        for (OutboxEntry e : locked) {
            assertThat(o.deadLetter(OUTBOX_HUB, "hook", e.id(), lock, "HTTP 400 for " + e.id())).isTrue();
        }
        assertThat(o.deadLetter(OUTBOX_HUB, "other", other.id(), otherLock, "gone")).isTrue();

        assertThat(o.backlog(OUTBOX_HUB, "hook")).isZero();
        List<OutboxEntry> dead = o.deadLetters(OUTBOX_HUB, "hook", 0, 10);
        assertThat(bodies(dead)).containsExactly("a", "b", "c");
        assertThat(dead.get(0).lastError()).isEqualTo("HTTP 400 for " + dead.get(0).id());
        assertThat(dead.get(0).attempts()).isEqualTo(1);
        assertThat(dead.get(0).content()).isEqualTo(message("a"));
        assertThat(bodies(o.deadLetters(OUTBOX_HUB, "hook", dead.get(0).id(), 1))).containsExactly("b");
        assertThat(o.deadLetters(OUTBOX_HUB, null, 0, 10)).hasSize(4);
        assertThat(o.deadLetters("other-hub.example.net", null, 0, 10)).isEmpty();

        assertThat(o.replay(OUTBOX_HUB, "hook", List.of(dead.get(1).id(), other.id(), 999_999L), T0.plusSeconds(100)))
                .as("another endpoint's id and an unknown one are not replayed under 'hook'").isEqualTo(1);
        assertThat(o.replay(OUTBOX_HUB, null, List.of(other.id()), T0.plusSeconds(100))).isEqualTo(1);

        List<OutboxEntry> back = o.lockDue(OUTBOX_HUB, "hook", T0.plusSeconds(100), T0.plusSeconds(160), token(), 10);
        assertThat(bodies(back)).containsExactly("b");
        assertThat(back.get(0).id()).isEqualTo(dead.get(1).id());
        assertThat(back.get(0).attempts()).isZero();
        assertThat(o.backlog(OUTBOX_HUB, "other")).isEqualTo(1);
        assertThat(bodies(o.deadLetters(OUTBOX_HUB, null, 0, 10))).containsExactly("a", "c");
    }

    @Test
    default void concurrentLockersNeverTakeTheSameEntry() throws Exception {
        EndpointOutbox o = endpointOutbox();
        o.enqueue(OUTBOX_HUB, "kafka", T0, IntStream.range(0, 200).mapToObj(i -> message("m" + i)).toList());
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int round = 0; round < 10; round++) {
                        o.lockDue(OUTBOX_HUB, "kafka", T0, T0.plusSeconds(60), token(), 7).forEach(e -> mine.add(e.id()));
                    }
                    return mine;
                }));
            }
            start.countDown();
            Set<Long> seen = new HashSet<>();
            int total = 0;
            for (Future<List<Long>> f : futures) {
                List<Long> ids = f.get();
                total += ids.size();
                seen.addAll(ids);
            }
            assertThat(seen).as("no entry locked twice").hasSize(total);
            // A locker whose candidates others took meanwhile gets fewer; what nobody took is still there.
            List<OutboxEntry> rest = o.lockDue(OUTBOX_HUB, "kafka", T0, T0.plusSeconds(60), token(), 500);
            rest.forEach(e -> seen.add(e.id()));
            assertThat(seen).hasSize(total + rest.size()).hasSize(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
