package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.cli.bench.LocalKafkaBroker;
import dev.muster.core.Ids;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.sas.ConnectionString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: the Java device SDK sends telemetry over MQTT; the hub's ingest path routes it (a router that sends
 * every message to one Kafka endpoint, standing in for the routes the routing configuration will hold), writes it to
 * the outbox before acknowledging, and the dispatcher produces it to a real KRaft broker, read by a plain consumer.
 */
class KafkaRouteEndToEndIT {
    private LocalKafkaBroker broker;
    private String topic;
    private String hub;

    @BeforeEach
    void start() {
        broker = LocalKafkaBroker.startTemporary();
        topic = "e2e-" + UUID.randomUUID();
        hub = ConnectionString.parse(MusterUnderTest.info().hubs().get(0).connectionString()).hostName();
        KafkaEndpoint kafka = new KafkaEndpoint("kafka-e2e", broker.bootstrapServers(), topic, Map.of());
        MusterUnderTest.server().router((h, m) -> h.equalsIgnoreCase(hub) ? new RouteDecision(true, List.of(kafka))
                : RouteDecision.BUILT_IN_ONLY);
        MusterUnderTest.server().endpointSource(() -> Map.of(hub, List.of(kafka)));
    }

    @AfterEach
    void stop() {
        MusterUnderTest.server().router(dev.muster.hub.routing.MessageRouter.BUILT_IN_ONLY);
        MusterUnderTest.server().endpointSource(Map::of);
        broker.close();
    }

    @Test
    void deviceTelemetryReachesAKafkaConsumerOnceEachKeyedByDeviceWithItsProperties() throws Exception {
        String deviceId = "kafka-e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String key = Ids.symmetricKey();
        new HubRest(MusterUnderTest.info().hubs().get(0).connectionString()).createSasDevice(deviceId, key);
        DeviceClient device = Devices.hubClient(hub, deviceId, key, IotHubClientProtocol.MQTT);
        device.open(true);
        try {
            for (int i = 0; i < 20; i++) {
                Message m = new Message(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
                m.setMessageId("e2e-" + i);
                m.setContentType("application/json");
                m.setProperty("seq", Integer.toString(i));
                device.sendEvent(m);
            }
        } finally {
            device.close();
        }

        List<ConsumerRecord<byte[], byte[]>> records = consume(20, Duration.ofSeconds(60));

        // (The ingest path does not carry the MQTT message ID and content type into the system properties yet.)
        assertThat(records).extracting(r -> headers(r).get("iothub-app-seq"))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(Integer::toString)
                        .toList());
        ConsumerRecord<byte[], byte[]> third = records.stream()
                .filter(r -> "3".equals(headers(r).get("iothub-app-seq"))).findFirst().orElseThrow();
        assertThat(new String(third.key(), StandardCharsets.UTF_8)).isEqualTo(deviceId);
        assertThat(new String(third.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":3}");
        assertThat(headers(third)).containsEntry("iothub-app-seq", "3")
                .containsEntry("iothub-connection-device-id", deviceId)
                .containsEntry("iothub-message-source", "Telemetry");
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(int expected, Duration limit) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long end = System.nanoTime() + limit.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(end, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return out;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new HashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
