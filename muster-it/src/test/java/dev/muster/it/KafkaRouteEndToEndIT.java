package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.cli.bench.LocalKafkaBroker;
import dev.muster.core.Ids;
import dev.muster.core.sas.ConnectionString;
import dev.muster.it.routing.KafkaTopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: a Kafka endpoint and a route to it saved through the hub's routing API ({@code PUT /routing}); the
 * Java device SDK sends telemetry over MQTT; the hub's ingest path routes it, writes it to the endpoint's outbox before
 * acknowledging, and the dispatcher produces it to a real KRaft broker, read by a plain consumer.
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
        String routing = """
                {"endpoints":{"kafka":[{"name":"kafka-e2e","bootstrapServers":"%s","topic":"%s"}]},
                 "routes":[{"name":"to-kafka","source":"DeviceMessages","condition":"true",
                  "endpointNames":["kafka-e2e"],"isEnabled":true}],
                 "fallbackRoute":{"name":"$fallback","source":"DeviceMessages","condition":"true",
                  "endpointNames":["events"],"isEnabled":true}}""".formatted(broker.bootstrapServers(), topic);
        try {
            assertThat(rest().call("PUT", "/routing", routing).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HubRest rest() {
        return new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());
    }

    @AfterEach
    void stop() {
        try {
            assertThat(rest().call("PUT", "/routing", """
                    {"endpoints":{},"routes":[],"fallbackRoute":{"name":"$fallback","source":"DeviceMessages",
                     "condition":"true","endpointNames":["events"],"isEnabled":true}}""").statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            broker.close();
        }
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

        assertThat(records).extracting(r -> headers(r).get("iothub-message-id"))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "e2e-" + i)
                        .toList());
        ConsumerRecord<byte[], byte[]> third = records.stream()
                .filter(r -> "e2e-3".equals(headers(r).get("iothub-message-id"))).findFirst().orElseThrow();
        assertThat(new String(third.key(), StandardCharsets.UTF_8)).isEqualTo(deviceId);
        assertThat(new String(third.value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":3}");
        assertThat(headers(third)).containsEntry("iothub-app-seq", "3")
                .containsEntry("iothub-connection-device-id", deviceId)
                .containsEntry("iothub-message-source", "Telemetry")
                .containsEntry("iothub-content-type", "application/json");
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(int expected, Duration limit) {
        return KafkaTopicReader.read(broker.bootstrapServers(), topic, expected, limit);
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        return KafkaTopicReader.headers(r);
    }
}
