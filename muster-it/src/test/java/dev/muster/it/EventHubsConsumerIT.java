package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.AmqpTransportType;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.SystemProperties;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.muster.core.Ids;
import dev.muster.hub.eventhubs.EventHubNames;
import dev.muster.hub.events.EventIngest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The official Java Event Hubs client ({@code com.azure:azure-messaging-eventhubs}, version from azure-sdk-bom)
 * reading a built-in hub's Event Hubs-compatible endpoint with the hub's iothubowner connection string, unchanged:
 * hub and partition properties, start positions, owner levels, errors, and an EventProcessorClient resuming from its
 * checkpoints.
 */
class EventHubsConsumerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static SSLContext previousTrust;

    @BeforeAll
    static void trust() throws Exception {
        EventHubsTestStreams.stream();
        previousTrust = EventHubsTestStreams.trustMuster();
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousTrust);
    }

    private static EventHubClientBuilder builder(String connectionString) {
        return new EventHubClientBuilder().connectionString(connectionString)
                .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(20)));
    }

    private static EventContent event(String body, Map<String, String> app, Map<String, String> sys) {
        return new EventContent(body.getBytes(StandardCharsets.UTF_8), app, sys);
    }

    private static List<EventContent> events(String marker, int n) {
        return IntStream.range(0, n).mapToObj(i -> event(marker + "-" + i, Map.of("marker", marker), Map.of()))
                .toList();
    }

    private static String body(EventData e) {
        return new String(e.getBody(), StandardCharsets.UTF_8);
    }

    private static List<String> bodies(Iterable<PartitionEvent> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(body(e.getData())));
        return out;
    }

    @Test
    void hubAndPartitionPropertiesComeFromTheStream() {
        List<HubEvent> stored = EventHubsTestStreams.append(0, Instant.now(), events("props", 2));
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            EventHubProperties hub = client.getEventHubProperties();
            assertThat(hub.getName()).isEqualTo(EventHubNames.of(EventHubsTestStreams.hub()));
            assertThat(hub.getPartitionIds()).containsExactly("0", "1", "2", "3");
            assertThat(hub.getCreatedAt()).isEqualTo(EventHubsTestStreams.stream().createdAt()
                    .truncatedTo(ChronoUnit.MILLIS));

            PartitionProperties p = client.getPartitionProperties("0");
            assertThat(p.getId()).isEqualTo("0");
            assertThat(p.getLastEnqueuedSequenceNumber()).isGreaterThanOrEqualTo(stored.get(1).sequence());
            assertThat(p.getBeginningSequenceNumber()).isLessThanOrEqualTo(stored.get(0).sequence());
            assertThat(p.isEmpty()).isFalse();
            assertThat(p.getLastEnqueuedTime()).isNotNull();
        }
    }

    @Test
    void readsFromASequenceNumberEarliestAndAnEnqueuedTime() {
        String marker = "pos-" + UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<HubEvent> first = EventHubsTestStreams.append(1, t0, events(marker + "-a", 3));
        List<HubEvent> second = EventHubsTestStreams.append(1, t0.plusMillis(5), events(marker + "-b", 2));
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            assertThat(bodies(client.receiveFromPartition("1", 5,
                    EventPosition.fromSequenceNumber(first.get(0).sequence(), true), WAIT)))
                    .containsExactly(marker + "-a-0", marker + "-a-1", marker + "-a-2", marker + "-b-0", marker + "-b-1");
            assertThat(bodies(client.receiveFromPartition("1", 2,
                    EventPosition.fromSequenceNumber(first.get(0).sequence()), WAIT)))
                    .as("exclusive").containsExactly(marker + "-a-1", marker + "-a-2");
            assertThat(bodies(client.receiveFromPartition("1", 1,
                    EventPosition.fromOffset(Long.parseLong(first.get(2).offset())), WAIT)))
                    .as("after an offset").containsExactly(marker + "-b-0");
            assertThat(bodies(client.receiveFromPartition("1", 2, EventPosition.fromEnqueuedTime(t0), WAIT)))
                    .as("enqueued after t0").containsExactly(marker + "-b-0", marker + "-b-1");

            PartitionEvent earliest = client.receiveFromPartition("1", 1, EventPosition.earliest(), WAIT)
                    .iterator().next();
            assertThat(earliest.getData().getSequenceNumber())
                    .isEqualTo(client.getPartitionProperties("1").getBeginningSequenceNumber());
            assertThat(second.get(1).sequence()).isEqualTo(first.get(0).sequence() + 4);
        }
    }

    @Test
    void latestDeliversOnlyWhatIsEnqueuedAfterTheReceiverAttached() throws Exception {
        String marker = "latest-" + UUID.randomUUID();
        EventHubsTestStreams.append(2, Instant.now(), events(marker + "-before", 1));
        try (EventHubConsumerAsyncClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            var subscription = client.receiveFromPartition("2", EventPosition.latest())
                    .subscribe(e -> seen.add(body(e.getData())));
            try {
                // Until the link is attached nothing marks "latest"; append until an event arrives.
                long deadline = System.nanoTime() + WAIT.toNanos();
                int n = 0;
                while (seen.stream().noneMatch(b -> b.startsWith(marker + "-after")) && System.nanoTime() < deadline) {
                    EventHubsTestStreams.append(2, Instant.now(), events(marker + "-after" + n++, 1));
                    TimeUnit.MILLISECONDS.sleep(500);
                }
                assertThat(seen).anyMatch(b -> b.startsWith(marker + "-after"));
                assertThat(seen).noneMatch(b -> b.startsWith(marker + "-before"));
            } finally {
                subscription.dispose();
            }
        }
    }

    @Test
    void eventsCarryBodyPropertiesAndIotHubSystemProperties() {
        String marker = "sys-" + UUID.randomUUID();
        Instant hubTime = Instant.parse("2026-01-02T03:04:05.678Z");
        Map<String, String> sys = Map.of(SystemProperties.MESSAGE_ID, "msg-" + marker,
                SystemProperties.CORRELATION_ID, "corr-1", SystemProperties.CONTENT_TYPE, "application/json",
                SystemProperties.CONTENT_ENCODING, "utf-8", SystemProperties.CONNECTION_DEVICE_ID, "dev-1",
                SystemProperties.CONNECTION_MODULE_ID, "mod-1",
                SystemProperties.CONNECTION_AUTH_METHOD, "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\"}",
                SystemProperties.CONNECTION_AUTH_GENERATION_ID, "6371", SystemProperties.ENQUEUED_TIME,
                hubTime.toString(), SystemProperties.MESSAGE_SOURCE, SystemProperties.SOURCE_TELEMETRY);
        List<HubEvent> stored = EventHubsTestStreams.append(3, Instant.now(),
                List.of(event("{\"t\":21.5,\"m\":\"" + marker + "\"}", Map.of("kind", "alarm"), sys)));
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            EventData e = client.receiveFromPartition("3", 1,
                    EventPosition.fromSequenceNumber(stored.get(0).sequence(), true), WAIT).iterator().next().getData();
            assertThat(body(e)).isEqualTo("{\"t\":21.5,\"m\":\"" + marker + "\"}");
            assertThat(e.getMessageId()).isEqualTo("msg-" + marker);
            assertThat(e.getCorrelationId()).isEqualTo("corr-1");
            assertThat(e.getContentType()).isEqualTo("application/json");
            assertThat(e.getProperties()).containsEntry("kind", "alarm");
            assertThat(e.getSequenceNumber()).isEqualTo(stored.get(0).sequence());
            assertThat(e.getOffset()).isEqualTo(stored.get(0).sequence());
            assertThat(e.getEnqueuedTime()).isEqualTo(stored.get(0).enqueuedTime().truncatedTo(ChronoUnit.MILLIS));
            Map<String, Object> system = e.getSystemProperties();
            assertThat(system).containsEntry("iothub-connection-device-id", "dev-1")
                    .containsEntry("iothub-connection-module-id", "mod-1")
                    .containsEntry("iothub-connection-auth-generation-id", "6371")
                    .containsEntry("iothub-message-source", "Telemetry")
                    .containsEntry("content-encoding", "utf-8");
            assertThat(system.get("iothub-connection-auth-method").toString()).contains("\"type\":\"sas\"");
            assertThat(system.get("iothub-enqueuedtime")).isEqualTo(java.util.Date.from(hubTime));
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void telemetryFromSdkDevicesIsReadWithWhatIotHubStamps(IotHubClientProtocol protocol) throws Exception {
        String key = Ids.symmetricKey();
        String id = "eh-" + protocol.name().toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID().toString()
                .substring(0, 8);
        new HubRest(MusterUnderTest.info().hubs().get(0).connectionString()).createSasDevice(id, key);
        String partition = Integer.toString(EventIngest.partitionOf(id, EventHubsTestStreams.stream().partitionCount()));
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            long last = client.getPartitionProperties(partition).getLastEnqueuedSequenceNumber();
            DeviceClient device = Devices.hubClient(EventHubsTestStreams.hub(), id, key, protocol);
            device.open(true);
            try {
                com.microsoft.azure.sdk.iot.device.Message m = new com.microsoft.azure.sdk.iot.device.Message(
                        "{\"temperature\":21.5}");
                m.setMessageId("m-" + id);
                m.setContentType("application/json");
                m.setContentEncoding("utf-8");
                m.setProperty("site", "hall-3");
                device.sendEvent(m);
            } finally {
                device.close();
            }
            EventPosition from = last < 0 ? EventPosition.earliest() : EventPosition.fromSequenceNumber(last);
            EventData e = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (e == null && System.nanoTime() < deadline) {
                for (PartitionEvent pe : client.receiveFromPartition(partition, 100, from, Duration.ofSeconds(3))) {
                    if (("m-" + id).equals(pe.getData().getMessageId())) {
                        e = pe.getData();
                    }
                }
            }
            assertThat(e).as("the device's message on partition " + partition).isNotNull();
            assertThat(body(e)).isEqualTo("{\"temperature\":21.5}");
            assertThat(e.getContentType()).isEqualTo("application/json");
            assertThat(e.getProperties()).containsEntry("site", "hall-3");
            Map<String, Object> system = e.getSystemProperties();
            assertThat(system).containsEntry("iothub-connection-device-id", id)
                    .containsEntry("iothub-message-source", "Telemetry");
            assertThat(system.get("iothub-enqueuedtime")).isInstanceOf(java.util.Date.class);
        }
    }

    @Test
    void aHigherOwnerLevelTakesThePartitionAndALowerOneIsRefused() throws Exception {
        String connectionString = EventHubsTestStreams.connectionString();
        try (EventHubConsumerAsyncClient first = builder(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient();
             EventHubConsumerAsyncClient second = builder(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient()) {
            List<Throwable> firstErrors = new CopyOnWriteArrayList<>();
            var a = first.receiveFromPartition("0", EventPosition.latest(), new ReceiveOptions().setOwnerLevel(1L))
                    .subscribe(e -> { }, firstErrors::add);
            awaitAttached("0");
            var b = second.receiveFromPartition("0", EventPosition.latest(), new ReceiveOptions().setOwnerLevel(2L))
                    .subscribe(e -> { }, t -> { });
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (firstErrors.isEmpty() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                assertThat(firstErrors).hasSize(1);
                assertThat(firstErrors.get(0)).isInstanceOf(AmqpException.class);
                assertThat(((AmqpException) firstErrors.get(0)).getErrorCondition())
                        .isEqualTo(AmqpErrorCondition.LINK_STOLEN);

                Throwable lower = catchThrowable(() -> first.receiveFromPartition("0", EventPosition.latest(),
                        new ReceiveOptions().setOwnerLevel(1L)).blockFirst(WAIT));
                assertThat(lower).isInstanceOf(AmqpException.class);
                assertThat(((AmqpException) lower).getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            } finally {
                a.dispose();
                b.dispose();
            }
        }
    }

    /** An owner-level receiver's claim is in the store once its link is attached. */
    private static void awaitAttached(String partition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (EventHubsTestStreams.store().owner(EventHubsTestStreams.hub(), ConsumerGroup.DEFAULT,
                Integer.parseInt(partition)).isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    @Test
    void aReceiverTrackingTheLastEnqueuedEventGetsItWithEachEvent() {
        List<HubEvent> stored = EventHubsTestStreams.append(1, Instant.now(), events("metric-" + UUID.randomUUID(), 2));
        try (EventHubConsumerAsyncClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient()) {
            PartitionEvent e = client.receiveFromPartition("1",
                    EventPosition.fromSequenceNumber(stored.get(0).sequence(), true),
                    new ReceiveOptions().setTrackLastEnqueuedEventProperties(true)).blockFirst(WAIT);
            assertThat(e).isNotNull();
            assertThat(e.getLastEnqueuedEventProperties().getSequenceNumber())
                    .isGreaterThanOrEqualTo(stored.get(1).sequence());
            assertThat(e.getLastEnqueuedEventProperties().getEnqueuedTime()).isNotNull();
            assertThat(e.getLastEnqueuedEventProperties().getRetrievalTime()).isNotNull();
        }
    }

    @Test
    void aWrongKeyIsRefusedWithUnauthorized() {
        String wrong = java.util.Base64.getEncoder().encodeToString("not the hub's key, 32 bytes long".getBytes());
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString(wrong))
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            Throwable t = catchThrowable(client::getEventHubProperties);
            assertThat(t).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) t).getErrorCondition()).isEqualTo(AmqpErrorCondition.UNAUTHORIZED_ACCESS);
        }
    }

    @Test
    void anUnknownPartitionOrConsumerGroupIsRefused() {
        try (EventHubConsumerAsyncClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient()) {
            Throwable t = catchThrowable(() -> client.receiveFromPartition("9", EventPosition.earliest())
                    .blockFirst(WAIT));
            assertThat(t).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) t).getErrorCondition()).isEqualTo(AmqpErrorCondition.ARGUMENT_OUT_OF_RANGE_ERROR);
        }
        try (EventHubConsumerAsyncClient client = builder(EventHubsTestStreams.connectionString())
                .consumerGroup("no-such-group").buildAsyncConsumerClient()) {
            Throwable t = catchThrowable(() -> client.receiveFromPartition("0", EventPosition.earliest())
                    .blockFirst(WAIT));
            assertThat(t).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) t).getErrorCondition()).isEqualTo(AmqpErrorCondition.NOT_FOUND);
        }
    }

    @Test
    void webSocketsOn443ReachTheSameEndpoint() {
        List<HubEvent> stored = EventHubsTestStreams.append(2, Instant.now(), events("ws-" + UUID.randomUUID(), 1));
        try (EventHubConsumerClient client = builder(EventHubsTestStreams.connectionString())
                .transportType(AmqpTransportType.AMQP_WEB_SOCKETS)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            assertThat(bodies(client.receiveFromPartition("2", 1,
                    EventPosition.fromSequenceNumber(stored.get(0).sequence(), true), WAIT)))
                    .containsExactly(new String(stored.get(0).content().body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void anEventProcessorResumesFromItsCheckpoints() throws Exception {
        String group = "processor-" + UUID.randomUUID().toString().substring(0, 8);
        EventHubsTestStreams.store().addConsumerGroup(EventHubsTestStreams.hub(), new ConsumerGroup(group, Instant.now()));
        String marker = "proc-" + UUID.randomUUID();
        InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
        for (int p = 0; p < 4; p++) {
            EventHubsTestStreams.append(p, Instant.now(), events(marker + "-a" + p, 2));
        }
        List<String> firstRun = runProcessor(group, checkpoints, marker, 8);
        assertThat(firstRun).hasSize(8).allMatch(b -> b.startsWith(marker + "-a"));

        for (int p = 0; p < 4; p++) {
            EventHubsTestStreams.append(p, Instant.now(), events(marker + "-b" + p, 1));
        }
        List<String> secondRun = runProcessor(group, checkpoints, marker, 4);
        assertThat(secondRun).as("resumed after the checkpoints: nothing of the first run again")
                .hasSize(4).allMatch(b -> b.startsWith(marker + "-b"));
    }

    /** Runs a processor from the earliest event (or its checkpoints) until it has seen {@code expected} marked events. */
    private static List<String> runProcessor(String group, CheckpointStore checkpoints, String marker, int expected)
            throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        EventProcessorClient processor = new EventProcessorClientBuilder()
                .connectionString(EventHubsTestStreams.connectionString()).consumerGroup(group)
                .checkpointStore(checkpoints)
                .initialPartitionEventPosition(p -> EventPosition.earliest())
                .loadBalancingUpdateInterval(Duration.ofSeconds(1))
                .processEvent(ctx -> {
                    String b = body(ctx.getEventData());
                    if (b.startsWith(marker)) {
                        seen.add(b);
                    }
                    ctx.updateCheckpoint();
                })
                .processError(ctx -> errors.add(ctx.getThrowable()))
                .buildEventProcessorClient();
        processor.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
            TimeUnit.MILLISECONDS.sleep(1000); // anything more would be a duplicate
        } finally {
            processor.stop();
        }
        assertThat(seen).as("errors: " + errors).hasSize(expected);
        return seen;
    }

    /** The processor's ownership and checkpoints in memory, with Azure's etag semantics for claims. */
    private static final class InMemoryCheckpointStore implements CheckpointStore {
        private final Map<String, PartitionOwnership> owners = new ConcurrentHashMap<>();
        private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

        private static String key(String ns, String hub, String group, String partition) {
            return (ns + "/" + hub + "/" + group + "/" + partition).toLowerCase(java.util.Locale.ROOT);
        }

        /** The entries of one consumer group of one Event Hub. */
        private static <T> Flux<T> ofGroup(Map<String, T> entries, String ns, String hub, String group) {
            String prefix = key(ns, hub, group, "");
            return Flux.fromIterable(entries.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(Map.Entry::getValue).toList());
        }

        @Override
        public Flux<PartitionOwnership> listOwnership(String ns, String hub, String group) {
            return ofGroup(owners, ns, hub, group);
        }

        @Override
        public synchronized Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
            List<PartitionOwnership> claimed = new ArrayList<>();
            for (PartitionOwnership o : requested) {
                String k = key(o.getFullyQualifiedNamespace(), o.getEventHubName(), o.getConsumerGroup(),
                        o.getPartitionId());
                PartitionOwnership current = owners.get(k);
                boolean free = current == null ? o.getETag() == null : current.getETag().equals(o.getETag());
                if (free) {
                    PartitionOwnership next = new PartitionOwnership()
                            .setFullyQualifiedNamespace(o.getFullyQualifiedNamespace())
                            .setEventHubName(o.getEventHubName()).setConsumerGroup(o.getConsumerGroup())
                            .setPartitionId(o.getPartitionId()).setOwnerId(o.getOwnerId())
                            .setLastModifiedTime(System.currentTimeMillis()).setETag(UUID.randomUUID().toString());
                    owners.put(k, next);
                    claimed.add(next);
                }
            }
            return Flux.fromIterable(claimed);
        }

        @Override
        public Flux<Checkpoint> listCheckpoints(String ns, String hub, String group) {
            return ofGroup(checkpoints, ns, hub, group);
        }

        @Override
        public Mono<Void> updateCheckpoint(Checkpoint c) {
            checkpoints.put(key(c.getFullyQualifiedNamespace(), c.getEventHubName(), c.getConsumerGroup(),
                    c.getPartitionId()), c);
            return Mono.empty();
        }
    }

}
