package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackEntry;
import dev.muster.core.hub.FeedbackRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The cloud-to-device part of the store contract ({@link StoreContractTest} runs it on H2 and PostgreSQL): queues in
 * order with a depth limit that holds under concurrent senders, conditional locks, expiry, visibility for the relay,
 * feedback per hub.
 */
interface CloudToDeviceStoreContract {
    String C2D_HUB = "Hub-C2D.example.net";
    Instant AT = Instant.parse("2024-05-01T10:00:00Z");
    DeviceQueue DEV = DeviceQueue.device(C2D_HUB, "dev-1");

    Stores stores();

    /** Opens the store again on the same database, as a restarted node does. */
    CloudToDeviceStore reopenedCloudToDevice();

    private CloudToDeviceStore c2d() {
        return stores().cloudToDevice();
    }

    static CloudToDeviceMessage message(DeviceQueue queue, String messageId, Instant expires) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("zeta", "1");
        props.put("alpha", "two/2");
        CloudToDeviceContent content = new CloudToDeviceContent(messageId, "corr", "user", "/devices/"
                + queue.deviceId() + "/messages/devicebound", "application/json", "utf-8", "full", props,
                ("{\"m\":\"" + messageId + "\"}").getBytes(StandardCharsets.UTF_8));
        return new CloudToDeviceMessage(queue, UUID.randomUUID().toString(), 0, content, "gen-1", AT, expires, 0,
                null);
    }

    @Test
    default void cloudToDeviceMessagesAreLockedInQueueOrderWithTheirContentIntact() {
        CloudToDeviceMessage sent = message(DEV, "m1", AT.plusSeconds(3600));
        assertThat(c2d().enqueue(sent, 50)).isTrue();
        assertThat(c2d().enqueue(message(DEV, "m2", AT.plusSeconds(3600)), 50)).isTrue();

        CloudToDeviceMessage first = c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-1").orElseThrow();
        CloudToDeviceMessage second = c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-2").orElseThrow();

        assertThat(first.content().messageId()).isEqualTo("m1");
        assertThat(second.content().messageId()).isEqualTo("m2");
        assertThat(second.sequence()).isGreaterThan(first.sequence());
        assertThat(first.id()).isEqualTo(sent.id());
        assertThat(first.lockToken()).isEqualTo("lock-1");
        assertThat(first.queue()).isEqualTo(DEV);
        assertThat(first.content().properties()).containsExactly(Map.entry("zeta", "1"), Map.entry("alpha", "two/2"));
        assertThat(first.content().body()).isEqualTo(sent.content().body());
        assertThat(first.content().userId()).isEqualTo("user");
        assertThat(first.deviceGenerationId()).isEqualTo("gen-1");
        assertThat(first.enqueuedAt()).isEqualTo(AT);
        assertThat(first.expiresAt()).isEqualTo(AT.plusSeconds(3600));
        assertThat(c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-3")).as("both locked").isEmpty();
    }

    @Test
    default void aLockedMessageIsRemovedOnlyUnderItsLockToken() {
        c2d().enqueue(message(DEV, "m1", AT.plusSeconds(3600)), 50);
        CloudToDeviceMessage m = c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-1").orElseThrow();

        assertThat(c2d().removeLocked(DEV, m.id(), "someone-else")).isFalse();
        assertThat(c2d().depth(DEV)).isEqualTo(1);
        assertThat(c2d().removeLocked(DEV, m.id(), "lock-1")).isTrue();
        assertThat(c2d().removeLocked(DEV, m.id(), "lock-1")).isFalse();
        assertThat(c2d().depth(DEV)).isZero();
        assertThat(c2d().messages(DEV)).isEmpty();
    }

    @Test
    default void anUnlockedMessageIsVisibleAgainWithItsDeliveryCount() {
        c2d().enqueue(message(DEV, "m1", AT.plusSeconds(3600)), 50);
        CloudToDeviceMessage m = c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-1").orElseThrow();

        assertThat(c2d().unlock(DEV, m.id(), "wrong", AT.plusSeconds(1), 1)).isFalse();
        assertThat(c2d().unlock(DEV, m.id(), "lock-1", AT.plusSeconds(1), 1)).isTrue();
        assertThat(c2d().lockNext(DEV, AT, AT.plusSeconds(60), "x")).as("visible from +1 s").isEmpty();
        CloudToDeviceMessage again = c2d().lockNext(DEV, AT.plusSeconds(1), AT.plusSeconds(61), "lock-2")
                .orElseThrow();
        assertThat(again.deliveryCount()).isEqualTo(1);
        assertThat(c2d().removeLocked(DEV, m.id(), "lock-1")).as("the first lock is gone").isFalse();
    }

    @Test
    default void aLockRunsOutAndTheMessageIsHandedOutAgain() {
        c2d().enqueue(message(DEV, "m1", AT.plusSeconds(3600)), 50);
        c2d().lockNext(DEV, AT, AT.plusSeconds(60), "lock-1").orElseThrow();
        assertThat(c2d().lockNext(DEV, AT.plusSeconds(59), AT.plusSeconds(119), "lock-2")).isEmpty();
        assertThat(c2d().lockNext(DEV, AT.plusSeconds(60), AT.plusSeconds(120), "lock-2")).isPresent();
    }

    @Test
    default void theQueueDepthLimitRefusesTheMessageBeyondIt() {
        for (int i = 0; i < 3; i++) {
            assertThat(c2d().enqueue(message(DEV, "m" + i, AT.plusSeconds(3600)), 3)).isTrue();
        }
        assertThat(c2d().enqueue(message(DEV, "m3", AT.plusSeconds(3600)), 3)).isFalse();
        CloudToDeviceMessage m = c2d().lockNext(DEV, AT, AT.plusSeconds(60), "l").orElseThrow();
        assertThat(c2d().enqueue(message(DEV, "m3", AT.plusSeconds(3600)), 3)).as("locked ones count").isFalse();
        c2d().removeLocked(DEV, m.id(), "l");
        assertThat(c2d().enqueue(message(DEV, "m3", AT.plusSeconds(3600)), 3)).isTrue();
        assertThat(c2d().depth(DEV)).isEqualTo(3);
    }

    @Test
    default void fiftyMessagesIsTheLimitUnderConcurrentSenders() throws Exception {
        int threads = 8;
        int perThread = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                results.add(pool.submit(() -> {
                    start.await();
                    int accepted = 0;
                    for (int i = 0; i < perThread; i++) {
                        if (c2d().enqueue(message(DEV, "t" + n + "-" + i, AT.plusSeconds(3600)), 50)) {
                            accepted++;
                        }
                    }
                    return accepted;
                }));
            }
            start.countDown();
            int accepted = 0;
            for (Future<Integer> f : results) {
                accepted += f.get();
            }
            assertThat(accepted).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
        assertThat(c2d().depth(DEV)).isEqualTo(50);
        List<CloudToDeviceMessage> all = c2d().messages(DEV);
        assertThat(all).hasSize(50);
        assertThat(all.stream().map(CloudToDeviceMessage::sequence).distinct().count()).as("distinct sequences")
                .isEqualTo(50);
    }

    @Test
    default void devicesAndModulesHaveSeparateQueuesAndTheHubIgnoresCase() {
        DeviceQueue module = new DeviceQueue(C2D_HUB, "dev-1", "mod-a");
        DeviceQueue otherCase = DeviceQueue.device(C2D_HUB.toUpperCase(), "dev-1");
        c2d().enqueue(message(module, "mod", AT.plusSeconds(3600)), 50);
        c2d().enqueue(message(DEV, "dev", AT.plusSeconds(3600)), 50);

        assertThat(c2d().lockNext(otherCase, AT, AT.plusSeconds(60), "l").orElseThrow().content().messageId())
                .isEqualTo("dev");
        assertThat(c2d().lockNext(module, AT, AT.plusSeconds(60), "l2").orElseThrow().content().messageId())
                .isEqualTo("mod");
        assertThat(c2d().depth(DeviceQueue.device(C2D_HUB, "DEV-1"))).as("device IDs are case-sensitive").isZero();
    }

    @Test
    default void thePageOfDevicesReadsTheirOwnQueuesDepthsNotTheirModules() {
        DeviceQueue other = DeviceQueue.device(C2D_HUB, "dev-2");
        c2d().enqueue(message(DEV, "a", AT.plusSeconds(3600)), 50);
        c2d().enqueue(message(DEV, "b", AT.plusSeconds(3600)), 50);
        c2d().enqueue(message(new DeviceQueue(C2D_HUB, "dev-2", "mod"), "m", AT.plusSeconds(3600)), 50);
        c2d().enqueue(message(other, "c", AT.plusSeconds(3600)), 50);

        assertThat(c2d().deviceDepths(C2D_HUB.toUpperCase(), java.util.List.of("dev-1", "dev-2", "dev-9")))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("dev-1", 2, "dev-2", 1));
        assertThat(c2d().deviceDepths(C2D_HUB, java.util.List.of())).isEmpty();
    }

    @Test
    default void expiredMessagesAreListedAndNeverHandedOut() {
        CloudToDeviceMessage soon = message(DEV, "soon", AT.plusSeconds(10));
        c2d().enqueue(soon, 50);
        c2d().enqueue(message(DEV, "later", AT.plusSeconds(3600)), 50);

        assertThat(c2d().expiredMessages(AT.plusSeconds(9), 10)).isEmpty();
        assertThat(c2d().expiredMessages(AT.plusSeconds(10), 10)).extracting(CloudToDeviceMessage::id)
                .containsExactly(soon.id());
        assertThat(c2d().lockNext(DEV, AT.plusSeconds(10), AT.plusSeconds(70), "l").orElseThrow().content()
                .messageId()).isEqualTo("later");
        assertThat(c2d().remove(DEV, soon.id())).isTrue();
        assertThat(c2d().remove(DEV, soon.id())).as("only one remover wins").isFalse();
        assertThat(c2d().depth(DEV)).isEqualTo(1);
    }

    @Test
    default void queuesWithMessagesThatBecameVisibleAreFound() {
        DeviceQueue other = DeviceQueue.device(C2D_HUB, "dev-2");
        c2d().enqueue(message(DEV, "m1", AT.plusSeconds(3600)), 50);
        CloudToDeviceMessage m2 = message(other, "m2", AT.plusSeconds(3600));
        c2d().enqueue(m2, 50);
        c2d().lockNext(other, AT, AT.plusSeconds(60), "l").orElseThrow();

        assertThat(c2d().queuesVisibleBetween(AT.minusSeconds(1), AT, 10)).containsExactly(DEV);
        assertThat(c2d().queuesVisibleBetween(AT, AT.plusSeconds(59), 10)).isEmpty();
        assertThat(c2d().queuesVisibleBetween(AT.plusSeconds(59), AT.plusSeconds(60), 10))
                .as("the lock ran out").containsExactly(other);
    }

    @Test
    default void queuedMessagesSurviveReopeningTheStore() {
        c2d().enqueue(message(DEV, "kept", AT.plusSeconds(3600)), 50);
        CloudToDeviceStore reopened = reopenedCloudToDevice();
        assertThat(reopened.depth(DEV)).isEqualTo(1);
        assertThat(reopened.lockNext(DEV, AT, AT.plusSeconds(60), "l").orElseThrow().content().messageId())
                .isEqualTo("kept");
    }

    // ---- feedback -------------------------------------------------------------------------------------------

    static FeedbackEntry feedback(String hub, String messageId, Instant at) {
        return new FeedbackEntry(hub, UUID.randomUUID().toString(), new FeedbackRecord(messageId, at, "Success",
                "Success", "dev-1", "gen-1"), at, at.plusSeconds(3600), 0);
    }

    @Test
    default void feedbackIsLockedOldestFirstPerHubAndRemovedByItsLock() {
        c2d().addFeedback(feedback(C2D_HUB, "m2", AT.plusSeconds(1)));
        c2d().addFeedback(feedback(C2D_HUB, "m1", AT));
        c2d().addFeedback(feedback("other.example.net", "x", AT));

        List<FeedbackEntry> batch = c2d().lockFeedback(C2D_HUB.toLowerCase(), AT.plusSeconds(2), AT.plusSeconds(62),
                "lock-1", 64);
        assertThat(batch).extracting(e -> e.record().originalMessageId()).containsExactly("m1", "m2");
        assertThat(batch.get(0).record()).isEqualTo(new FeedbackRecord("m1", AT, "Success", "Success", "dev-1",
                "gen-1"));
        assertThat(c2d().lockFeedback(C2D_HUB, AT.plusSeconds(2), AT.plusSeconds(62), "lock-2", 64)).isEmpty();
        assertThat(c2d().removeFeedback(C2D_HUB, "lock-1")).isEqualTo(2);
        assertThat(c2d().lockFeedback(C2D_HUB, AT.plusSeconds(100), AT.plusSeconds(160), "lock-3", 64)).isEmpty();
    }

    @Test
    default void releasedFeedbackComesBackUntilItsLastDelivery() {
        c2d().addFeedback(feedback(C2D_HUB, "m1", AT));
        c2d().lockFeedback(C2D_HUB, AT, AT.plusSeconds(60), "lock-1", 64);
        assertThat(c2d().releaseFeedback(C2D_HUB, "lock-1", AT, 2)).isEqualTo(1);
        List<FeedbackEntry> again = c2d().lockFeedback(C2D_HUB, AT, AT.plusSeconds(60), "lock-2", 64);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).deliveryCount()).isEqualTo(1);
        assertThat(c2d().releaseFeedback(C2D_HUB, "lock-2", AT, 2)).as("the second delivery was the last").isZero();
        assertThat(c2d().lockFeedback(C2D_HUB, AT, AT.plusSeconds(60), "lock-3", 64)).isEmpty();
    }

    @Test
    default void expiredFeedbackIsPrunedAndNeverHandedOut() {
        c2d().addFeedback(feedback(C2D_HUB, "m1", AT));
        assertThat(c2d().lockFeedback(C2D_HUB, AT.plusSeconds(3600), AT.plusSeconds(3660), "l", 64)).isEmpty();
        assertThat(c2d().pruneFeedback(AT.plusSeconds(3600))).isEqualTo(1);
        assertThat(c2d().pruneFeedback(AT.plusSeconds(3600))).isZero();
    }
}
