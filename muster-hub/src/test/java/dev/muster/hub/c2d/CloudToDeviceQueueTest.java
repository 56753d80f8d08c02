package dev.muster.hub.c2d;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Ids;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackRecord;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.testing.InMemoryCloudToDeviceStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.DeviceRegistry;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CloudToDeviceQueueTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2025-04-01T09:00:00Z");
    private static final DeviceQueue DEV = DeviceQueue.device(HUB, "dev-1");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore hubs = new InMemoryStore();
    private final InMemoryCloudToDeviceStore store = new InMemoryCloudToDeviceStore();
    private final DeviceRegistry registry = new DeviceRegistry(hubs, clock);
    private final CloudToDeviceQueue queue = new CloudToDeviceQueue(registry, store, clock, CloudToDeviceLimits.AZURE);
    private final List<DeviceQueue> signalled = new ArrayList<>();
    private HubDevice device;

    @BeforeEach
    void setUp() {
        hubs.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        device = registry.putDevice(HUB, HubDevice.of("dev-1", null, null), null);
        queue.addListener(signalled::add);
    }

    private static CloudToDeviceContent content(String messageId, String ack) {
        return new CloudToDeviceContent(messageId, "corr-" + messageId, null, "/devices/dev-1/messages/devicebound",
                "text/plain", "utf-8", ack, Map.of("k", "v"), ("body " + messageId).getBytes());
    }

    private CloudToDeviceMessage send(String messageId, String ack) {
        return queue.send(DEV, content(messageId, ack), null);
    }

    private List<FeedbackRecord> feedback() {
        List<FeedbackRecord> all = new ArrayList<>();
        queue.feedback().next(HUB).ifPresent(b -> {
            all.addAll(b.records());
            queue.feedback().complete(b);
        });
        return all;
    }

    private static void assertRefused(Runnable call, HubErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aMessageIsHandedOutInOrderAndGoneOnceCompleted() {
        send("m1", null);
        send("m2", null);

        CloudToDeviceMessage first = queue.next(DEV).orElseThrow();
        CloudToDeviceMessage second = queue.next(DEV).orElseThrow();

        assertThat(first.content().messageId()).isEqualTo("m1");
        assertThat(second.content().messageId()).isEqualTo("m2");
        assertThat(queue.next(DEV)).as("both are locked").isEmpty();
        assertThat(queue.complete(first)).isTrue();
        assertThat(queue.complete(first)).as("a second completion finds nothing").isFalse();
        assertThat(queue.pendingCount(HUB, "dev-1")).isEqualTo(1);
        assertThat(signalled).containsExactly(DEV, DEV);
    }

    @Test
    void theFiftyFirstMessageIsRefusedWithQueueDepthExceeded() {
        for (int i = 0; i < 50; i++) {
            send("m" + i, null);
        }
        assertRefused(() -> send("m50", null), HubErrorCode.DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED);
        assertThat(HubErrorCode.DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED.code()).isEqualTo(403004);
        queue.complete(queue.next(DEV).orElseThrow());
        send("m50", null);
        assertThat(queue.pendingCount(HUB, "dev-1")).isEqualTo(50);
    }

    @Test
    void expiredMessagesMakeRoomInAFullQueueBeforeTheSweepRuns() {
        for (int i = 0; i < 50; i++) {
            queue.send(DEV, content("old" + i, "negative"), T0.plusSeconds(10));
        }
        clock.advance(Duration.ofSeconds(10));
        send("new", null);
        assertThat(queue.pendingCount(HUB, "dev-1")).isEqualTo(1);
        assertThat(feedback()).hasSize(50).extracting(FeedbackRecord::statusCode).containsOnly("Expired");
    }

    @Test
    void messagesForADeletedDeviceDoNotReachANewDeviceOfTheSameId() {
        send("for-the-old-one", null);
        registry.deleteDevice(HUB, "dev-1", null);
        registry.putDevice(HUB, HubDevice.of("dev-1", null, null), null);
        send("for-the-new-one", null);

        assertThat(queue.next(DEV).orElseThrow().content().messageId()).isEqualTo("for-the-new-one");
        assertThat(queue.next(DEV)).isEmpty();
        assertThat(queue.pendingCount(HUB, "dev-1")).isEqualTo(1);
    }

    @Test
    void anUnknownDeviceIsNotFound() {
        assertRefused(() -> queue.send(DeviceQueue.device(HUB, "nobody"), content("m", null), null),
                HubErrorCode.DEVICE_NOT_FOUND);
    }

    @Test
    void aBodyOverSixtyFourKilobytesIsTooLarge() {
        CloudToDeviceContent big = new CloudToDeviceContent("m", null, null, null, null, null, null, Map.of(),
                new byte[64 * 1024 + 1]);
        assertRefused(() -> queue.send(DEV, big, null), HubErrorCode.MESSAGE_TOO_LARGE);
        CloudToDeviceContent limit = new CloudToDeviceContent("m", null, null, null, null, null, null, Map.of(),
                new byte[64 * 1024]);
        queue.send(DEV, limit, null);
    }

    @Test
    void anUnknownAcknowledgementIsABadArgument() {
        assertRefused(() -> send("m", "sometimes"), HubErrorCode.ARGUMENT_INVALID);
    }

    @Test
    void theDefaultTimeToLiveIsOneHourAndAnAbsoluteExpiryIsHonoured() {
        assertThat(send("m1", null).expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(queue.send(DEV, content("m2", null), T0.plusSeconds(30)).expiresAt()).isEqualTo(T0.plusSeconds(30));
    }

    @Test
    void anExpiredMessageIsNotHandedOutAndReportedExpiredWhenNegativeFeedbackWasAsked() {
        queue.send(DEV, content("m1", "negative"), T0.plusSeconds(30));
        queue.send(DEV, content("m2", "positive"), T0.plusSeconds(30));
        clock.advance(Duration.ofSeconds(30));

        assertThat(queue.next(DEV)).isEmpty();
        assertThat(queue.expireDue()).isEqualTo(2);
        List<FeedbackRecord> records = feedback();
        assertThat(records).extracting(FeedbackRecord::originalMessageId).containsExactly("m1");
        assertThat(records.get(0).statusCode()).isEqualTo("Expired");
        assertThat(records.get(0).deviceId()).isEqualTo("dev-1");
        assertThat(records.get(0).deviceGenerationId()).isEqualTo(device.generationId());
        assertThat(queue.pendingCount(HUB, "dev-1")).isZero();
    }

    @Test
    void completionReportsSuccessForPositiveAndFullButNotForNegativeOrNone() {
        for (String ack : List.of("positive", "positiveonly", "full", "negative", "negativeonly", "none")) {
            send(ack, ack);
        }
        for (int i = 0; i < 6; i++) {
            queue.complete(queue.next(DEV).orElseThrow());
        }
        List<FeedbackRecord> records = feedback();
        assertThat(records).extracting(FeedbackRecord::originalMessageId)
                .containsExactlyInAnyOrder("positive", "positiveonly", "full");
        assertThat(records).extracting(FeedbackRecord::statusCode).containsOnly("Success");
        assertThat(records).extracting(FeedbackRecord::enqueuedTimeUtc).containsOnly(T0);
    }

    @Test
    void anAbandonedMessageComesBackAndIsDeadLetteredAtTheTenthDelivery() {
        send("m1", "full");
        for (int i = 1; i < 10; i++) {
            CloudToDeviceMessage m = queue.next(DEV).orElseThrow();
            assertThat(m.deliveryCount()).isEqualTo(i - 1);
            assertThat(queue.abandon(m)).isTrue();
        }
        assertThat(feedback()).isEmpty();
        CloudToDeviceMessage tenth = queue.next(DEV).orElseThrow();
        assertThat(queue.abandon(tenth)).isTrue();

        assertThat(queue.next(DEV)).isEmpty();
        assertThat(queue.pendingCount(HUB, "dev-1")).isZero();
        assertThat(feedback()).extracting(FeedbackRecord::statusCode).containsExactly("DeliveryCountExceeded");
    }

    @Test
    void aRejectedMessageIsDeadLetteredWithRejectedFeedback() {
        send("m1", "negativeonly");
        queue.reject(queue.next(DEV).orElseThrow());
        assertThat(queue.next(DEV)).isEmpty();
        assertThat(feedback()).extracting(FeedbackRecord::statusCode).containsExactly("Rejected");
    }

    @Test
    void aReleasedMessageComesBackAtOnceWithoutCountingADelivery() {
        send("m1", null);
        queue.release(queue.next(DEV).orElseThrow());
        CloudToDeviceMessage again = queue.next(DEV).orElseThrow();
        assertThat(again.deliveryCount()).isZero();
    }

    @Test
    void aLockedMessageReappearsWhenItsLockRunsOut() {
        send("m1", null);
        CloudToDeviceMessage held = queue.next(DEV).orElseThrow();
        clock.advance(Duration.ofSeconds(59));
        assertThat(queue.next(DEV)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        CloudToDeviceMessage again = queue.next(DEV).orElseThrow();
        assertThat(again.id()).isEqualTo(held.id());
        assertThat(queue.complete(held)).as("the old lock is lost").isFalse();
        assertThat(queue.complete(again)).isTrue();
    }

    @Test
    void purgeEmptiesTheQueueAndReportsPurgedToNegativeSenders() {
        send("m1", "full");
        send("m2", null);
        queue.next(DEV).orElseThrow();

        assertThat(queue.purge(HUB, "dev-1")).isEqualTo(2);
        assertThat(queue.pendingCount(HUB, "dev-1")).isZero();
        assertThat(feedback()).extracting(FeedbackRecord::statusCode).containsExactly("Purged");
        assertRefused(() -> queue.purge(HUB, "nobody"), HubErrorCode.DEVICE_NOT_FOUND);
    }

    @Test
    void theRegistryCountIsThePendingMessagesForOneDeviceAndForAPage() {
        send("m1", null);
        send("m2", null);
        QueuedMessageCounts counts = new QueuedMessageCounts(store, dev.muster.hub.DeviceView.AS_STORED);
        dev.muster.core.hub.HubDevice other = dev.muster.core.hub.HubDevice.of("dev-other", null, null);

        assertThat(counts.present(HUB, device).cloudToDeviceMessageCount()).isEqualTo(2);
        assertThat(counts.presentAll(HUB, java.util.List.of(device, other)))
                .extracting(dev.muster.core.hub.HubDevice::cloudToDeviceMessageCount).containsExactly(2, 0);
    }

    @Test
    void aModuleHasItsOwnQueue() {
        DeviceQueue module = new DeviceQueue(HUB, "dev-1", "mod-a");
        queue.send(module, content("m1", null), null);
        assertThat(queue.next(DEV)).isEmpty();
        assertThat(queue.next(module).orElseThrow().content().messageId()).isEqualTo("m1");
    }

    @Test
    void releasedFeedbackComesBackAndAcceptedFeedbackIsGone() {
        send("m1", "positive");
        queue.complete(queue.next(DEV).orElseThrow());

        FeedbackBatch first = queue.feedback().next(HUB).orElseThrow();
        assertThat(queue.feedback().next(HUB)).as("locked").isEmpty();
        queue.feedback().release(first);
        FeedbackBatch again = queue.feedback().next(HUB).orElseThrow();
        assertThat(again.records()).isEqualTo(first.records());
        queue.feedback().complete(again);
        assertThat(queue.feedback().next(HUB)).isEmpty();
    }

    @Test
    void feedbackExpiresAfterAnHour() {
        send("m1", "positive");
        queue.complete(queue.next(DEV).orElseThrow());
        clock.advance(Duration.ofHours(1));
        queue.expireDue();
        assertThat(queue.feedback().next(HUB)).isEmpty();
    }
}
