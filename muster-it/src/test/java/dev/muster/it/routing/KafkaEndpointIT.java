package dev.muster.it.routing;

import static dev.muster.it.routing.OutboxUnderTest.HUB;
import static dev.muster.it.routing.OutboxUnderTest.await;
import static dev.muster.it.routing.OutboxUnderTest.telemetry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.cli.bench.LocalKafkaBroker;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.KafkaEndpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Kafka route endpoint against a real single-node KRaft broker (Kafka 4, in this JVM): every message reaches a
 * plain Kafka consumer once, keyed by device ID, with its properties as headers, through a broker restart and a wrong
 * bootstrap address too. Messages enter through the durable outbox as the hub's ingest path puts them there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaEndpointIT {
    private LocalKafkaBroker broker;
    private OutboxUnderTest hub;

    @BeforeAll
    void startBroker() {
        broker = LocalKafkaBroker.startTemporary();
    }

    @AfterAll
    void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void startOutbox() throws Exception {
        hub = new OutboxUnderTest(OutboxUnderTest.FAST);
    }

    @AfterEach
    void stopOutbox() throws Exception {
        hub.close();
    }

    private static String topic() {
        return "telemetry-" + UUID.randomUUID();
    }

    private static List<EventContent> messages(String device, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> telemetry(device, n)).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected, Duration limit) {
        return KafkaTopicReader.read(broker.bootstrapServers(), topic, expected, limit);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        return KafkaTopicReader.headers(r);
    }

    private static List<String> messageIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> headers(r).get("iothub-message-id")).toList();
    }

    private static List<String> ids(String device, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(n -> device + "-" + n).toList();
    }

    @Test
    void eachMessageReachesTheConsumerOnceKeyedByDeviceWithItsProperties() throws Exception {
        String topic = topic();
        hub.use(new KafkaEndpoint("kafka", broker.bootstrapServers(), topic, Map.of()));
        hub.send("kafka", messages("dev-a", 0, 40));
        hub.send("kafka", messages("dev-b", 0, 40));

        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, 80, Duration.ofSeconds(60));

        List<String> expected = new ArrayList<>(ids("dev-a", 0, 40));
        expected.addAll(ids("dev-b", 0, 40));
        assertThat(messageIds(records)).containsExactlyInAnyOrderElementsOf(expected);
        ConsumerRecord<byte[], byte[]> first = records.stream()
                .filter(r -> "dev-b-7".equals(headers(r).get("iothub-message-id"))).findFirst().orElseThrow();
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("dev-b");
        assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":7}");
        assertThat(headers(first)).containsEntry("iothub-app-seq", "7").containsEntry("iothub-app-kind", "reading")
                .containsEntry("iothub-connection-device-id", "dev-b").containsEntry("iothub-content-type",
                        "application/json").containsEntry("iothub-message-source", "Telemetry");
        await(Duration.ofSeconds(10), () -> hub.store.backlog(HUB, "kafka") == 0, "the outbox is empty");
    }

    @Test
    void messagesSentWhileTheBrokerRestartsAreDeliveredAfterItIsBack() throws Exception {
        String topic = topic();
        hub.use(new KafkaEndpoint("kafka", broker.bootstrapServers(), topic, Map.of()));
        hub.send("kafka", messages("dev-a", 0, 10));
        await(Duration.ofSeconds(60), () -> hub.store.backlog(HUB, "kafka") == 0, "the first ten are delivered");

        broker.stop();
        try {
            hub.send("kafka", messages("dev-a", 10, 30));
            Thread.sleep(3_000);
            assertThat(hub.store.backlog(HUB, "kafka")).as("kept while the broker is down").isEqualTo(30);
        } finally {
            broker.start();
        }

        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, 40, Duration.ofSeconds(90));
        assertThat(messageIds(records)).containsExactlyInAnyOrderElementsOf(ids("dev-a", 0, 40));
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();
    }

    @Test
    void aWrongBootstrapAddressKeepsTheMessagesUntilTheEndpointIsFixed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        String topic = topic();
        hub.use(new KafkaEndpoint("kafka", "127.0.0.1:" + closedPort, topic, Map.of()));
        hub.send("kafka", messages("dev-c", 0, 20));
        Thread.sleep(4_000);
        assertThat(hub.store.backlog(HUB, "kafka")).isEqualTo(20);
        assertThat(hub.store.deadLetters(HUB, null, 0, 10)).isEmpty();

        hub.use(new KafkaEndpoint("kafka", broker.bootstrapServers(), topic, Map.of()));

        List<ConsumerRecord<byte[], byte[]>> records = consume(topic, 20, Duration.ofSeconds(60));
        assertThat(messageIds(records)).containsExactlyInAnyOrderElementsOf(ids("dev-c", 0, 20));
    }
}
