package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.hub.events.EventIngest;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Device telemetry as IoT Hub receives it, over every transport the official SDKs use: the Java {@code DeviceClient}
 * over MQTT, MQTT_WS, AMQPS, AMQPS_WS and HTTPS, Node's MQTT and HTTP transports. What each message carries once
 * the hub took it (read from the service side): its body, its application properties, its system properties under
 * the Event Hubs names, and the hub's stamps (who sent it, how it authenticated, its generation ID, when, from
 * which source). The SDK's send returns only once the hub acknowledged the message, which it does only once the
 * message is durable: it is read back from the hub's event stream right after.
 */
class DeviceTelemetryIT {
    private static final NodePackage NODE = new NodePackage("node");
    private static final String SAS_AUTH = "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\","
            + "\"acceptingIpFilterRule\":null}";
    private final String hub = MusterUnderTest.hub();
    private final String hubConnectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(hubConnectionString);

    private String newDevice(String prefix, String key) throws Exception {
        return rest.newSasDevice(prefix, key);
    }

    /**
     * The stored event of {@code deviceId} with this message ID, read from its partition (by device ID) of the hub's
     * stream, as the Event Hubs-compatible endpoint serves it; null if the hub did not store it.
     */
    private EventContent stored(String deviceId, String messageId) {
        HubEventStore events = MusterUnderTest.server().store().events();
        int partition = EventIngest.partitionOf(deviceId, events.stream(hub).orElseThrow().partitionCount());
        long from = events.partition(hub, partition).beginSequence();
        for (List<HubEvent> page = events.read(hub, partition, from, 500); !page.isEmpty();
                page = events.read(hub, partition, from, 500)) {
            for (HubEvent e : page) {
                if (messageId.equals(e.content().systemProperty("message-id"))) {
                    return e.content();
                }
            }
            from = page.get(page.size() - 1).sequence() + 1;
        }
        return null;
    }

    private String generationId(String id) throws Exception {
        return Json.tree(rest.call("GET", "/devices/" + id, null).body()).path("generationId").asText();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS", "HTTPS"})
    void theJavaDeviceClientsMessageArrivesWithEveryPropertyAndTheHubsStampsOver(IotHubClientProtocol protocol)
            throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("d2c-" + protocol.name().toLowerCase().replace('_', '-'), key);
        Instant before = Instant.now().minusSeconds(1);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            DeviceClient device = Devices.hubClient(hub, id, key, protocol);
            device.open(true);
            try {
                Message m = new Message("{\"temperature\":21.5}");
                m.setMessageId("m-" + id);
                m.setCorrelationId("c-" + id);
                m.setContentType("application/json");
                m.setContentEncoding("utf-8");
                m.setProperty("site", "hall 3");
                m.setProperty("kind", "alarm");
                device.sendEvent(m);

                // The send returned: the hub acknowledged the message, so it is in the store already.
                EventContent kept = stored(id, "m-" + id);
                assertThat(kept).as("the acknowledged message in the hub's event stream").isNotNull();
                assertThat(new String(kept.body(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("{\"temperature\":21.5}");
                JsonNode seen = monitor.next(id, e -> true, 15);
                assertThat(seen).as("the message, seen from the service side").isNotNull();
                assertThat(Json.MAPPER.convertValue(seen.path("properties"), java.util.Map.class))
                        .isEqualTo(kept.applicationProperties());
                assertThat(Json.MAPPER.convertValue(seen.path("systemProperties"), java.util.Map.class))
                        .isEqualTo(kept.systemProperties());
                assertThat(seen.path("body").path("temperature").asDouble()).isEqualTo(21.5);
                assertThat(seen.path("properties").path("site").asText()).isEqualTo("hall 3");
                assertThat(seen.path("properties").path("kind").asText()).isEqualTo("alarm");
                JsonNode sys = seen.path("systemProperties");
                assertThat(sys.path("message-id").asText()).isEqualTo("m-" + id);
                assertThat(sys.path("correlation-id").asText()).isEqualTo("c-" + id);
                assertThat(sys.path("content-type").asText()).isEqualTo("application/json");
                assertThat(sys.path("content-encoding").asText()).isEqualTo("utf-8");
                assertThat(sys.path("iothub-connection-device-id").asText()).isEqualTo(id);
                assertThat(sys.has("iothub-connection-module-id")).isFalse();
                assertThat(sys.path("iothub-connection-auth-method").asText()).isEqualTo(SAS_AUTH);
                assertThat(sys.path("iothub-connection-auth-generation-id").asText()).isEqualTo(generationId(id));
                assertThat(Instant.parse(sys.path("iothub-enqueuedtime").asText())).isBetween(before,
                        Instant.now().plusSeconds(1));
                assertThat(sys.path("iothub-message-source").asText()).isEqualTo("Telemetry");
            } finally {
                device.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "HTTPS"})
    void anX509DevicesMessageSaysItAuthenticatedByCertificateOver(IotHubClientProtocol protocol) throws Exception {
        String id = "d2c-x509-" + protocol.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 6);
        X509Devices.Identity cert = X509Devices.selfSigned(id);
        rest.createSelfSignedDevice(id, cert.cert());
        DeviceClient device = new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";x509=true", protocol,
                ClientOptions.builder().sslContext(X509Devices.sslContext(cert)).build());
        device.open(true);
        try {
            Message m = new Message("{\"x509\":true}");
            m.setMessageId("x-" + id);
            device.sendEvent(m);
            EventContent kept = stored(id, "x-" + id);
            assertThat(kept).as("the acknowledged message in the hub's event stream").isNotNull();
            assertThat(kept.systemProperty("iothub-connection-auth-method")).isEqualTo("{\"scope\":\"device\","
                    + "\"type\":\"x509Certificate\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}");
            assertThat(kept.systemProperty("iothub-connection-device-id")).isEqualTo(id);
        } finally {
            device.close();
        }
    }

    /**
     * A plain MQTT client (Paho, as inside the SDKs) publishing as IoT Hub's MQTT docs describe: QoS 0 is taken
     * without a PUBACK, QoS 1 acknowledged once stored; a device's claim to another identity is overwritten; a
     * message over 256 KB closes the connection and is not stored.
     */
    @Test
    void aPlainMqttClientsQos0AndQos1MessagesAreStoredAndAnOversizedOneClosesTheConnection() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("d2c-paho", key);
        org.eclipse.paho.client.mqttv3.MqttClient c = new org.eclipse.paho.client.mqttv3.MqttClient(
                "ssl://" + hub + ":8883", id, new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
        var o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
        o.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(hub + "/" + id + "/?api-version=2021-04-12");
        o.setPassword(SasSigner.sign(hub + "/devices/" + id, key, null, Instant.now().getEpochSecond() + 600)
                .toCharArray());
        o.setSocketFactory(MusterUnderTest.trust().getSocketFactory());
        o.setAutomaticReconnect(false);
        c.connect(o);
        String topic = "devices/" + id + "/messages/events/";
        try {
            c.publish(topic + "%24.mid=q1-" + id + "&iothub-connection-device-id=someone-else&zone=7",
                    "{\"q\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false);
            EventContent q1 = stored(id, "q1-" + id);
            assertThat(q1).as("a QoS 1 message, stored before its PUBACK").isNotNull();
            assertThat(q1.applicationProperties()).containsExactly(java.util.Map.entry("zone", "7"));
            assertThat(q1.systemProperty("iothub-connection-device-id")).isEqualTo(id);

            c.publish(topic + "$.mid=q0-" + id, "{\"q\":0}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    0, false);
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            EventContent q0 = null;
            while (q0 == null && System.nanoTime() < until) {
                Thread.sleep(100);
                q0 = stored(id, "q0-" + id);
            }
            assertThat(q0).as("a QoS 0 message, stored without a PUBACK").isNotNull();

            Throwable tooLarge = org.assertj.core.api.Assertions.catchThrowable(() -> c.publish(
                    topic + "$.mid=big-" + id, new byte[256 * 1024 + 1], 1, false));
            assertThat(tooLarge).as("the hub closed the connection instead of acknowledging").isNotNull();
            assertThat(c.isConnected()).isFalse();
            assertThat(stored(id, "big-" + id)).isNull();
        } finally {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
    }

    @Test
    void aModulesMessageNamesTheModule() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("d2c-mod", key);
        String moduleKey = Ids.symmetricKey();
        var created = rest.call("PUT", "/devices/" + id + "/modules/m1", "{\"deviceId\":\"" + id
                + "\",\"moduleId\":\"m1\",\"authentication\":{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\""
                + moduleKey + "\",\"secondaryKey\":\"" + Ids.symmetricKey() + "\"}}}");
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            var module = new com.microsoft.azure.sdk.iot.device.ModuleClient("HostName=" + hub + ";DeviceId=" + id
                    + ";ModuleId=m1;SharedAccessKey=" + moduleKey, IotHubClientProtocol.MQTT,
                    ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
            module.open(true);
            try {
                Message m = new Message("{\"from\":\"module\"}");
                m.setMessageId("mm-" + id);
                module.sendEvent(m);
                JsonNode seen = monitor.next(id, e -> true, 15);
                assertThat(seen).isNotNull();
                JsonNode sys = seen.path("systemProperties");
                assertThat(sys.path("message-id").asText()).isEqualTo("mm-" + id);
                assertThat(sys.path("iothub-connection-device-id").asText()).isEqualTo(id);
                assertThat(sys.path("iothub-connection-module-id").asText()).isEqualTo("m1");
                assertThat(Json.tree(sys.path("iothub-connection-auth-method").asText()).path("scope").asText())
                        .isEqualTo("module");
            } finally {
                module.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "http"})
    void nodesDeviceClientsMessagesArriveWithTheirProperties(String transport) throws Exception {
        NODE.install();
        String key = Ids.symmetricKey();
        String id = newDevice("node-d2c-" + transport, key);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            JsonNode out = NODE.run(List.of("node", "device-telemetry.js", transport,
                    "HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key), 120).lastJson();
            assertThat(out.has("error")).as(out.toString()).isFalse();

            JsonNode seen = monitor.next(id, e -> e.path("body").has("from"), 10);
            assertThat(seen).as("the Node device's message").isNotNull();
            assertThat(seen.path("body").path("from").asText()).isEqualTo("node-" + transport);
            assertThat(seen.path("properties").path("sdk").asText()).isEqualTo("node");
            assertThat(seen.path("properties").path("level").asText()).isEqualTo("high & low");
            JsonNode sys = seen.path("systemProperties");
            assertThat(sys.path("message-id").asText()).isEqualTo("node-" + id);
            assertThat(sys.path("correlation-id").asText()).isEqualTo("corr-" + id);
            assertThat(sys.path("iothub-connection-device-id").asText()).isEqualTo(id);
            assertThat(sys.path("iothub-connection-auth-method").asText()).isEqualTo(SAS_AUTH);
            assertThat(sys.path("iothub-message-source").asText()).isEqualTo("Telemetry");
            if (transport.equals("http")) {
                for (int n = 1; n <= 2; n++) {
                    int expected = n;
                    JsonNode b = monitor.next(id, e -> e.path("body").path("n").asInt() == expected, 10);
                    assertThat(b).as("batch message " + n).isNotNull();
                    assertThat(b.path("properties").path("n").asText()).isEqualTo(String.valueOf(n));
                    assertThat(b.path("systemProperties").path("iothub-connection-device-id").asText()).isEqualTo(id);
                }
            }
        }
    }

    @Test
    void overHttpsAMessageOverTheLimitOrAWrongTokenIsRefusedAsIotHubDoes() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("d2c-limit", key);
        String token = SasSigner.sign(hub + "/devices/" + id, key, null, Instant.now().getEpochSecond() + 600);
        HttpClient http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust())
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI events = URI.create("https://" + hub + "/devices/" + id + "/messages/events?api-version=2020-09-30");

        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(events).header("Authorization", token)
                .header("iothub-app-k", "v").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[256 * 1024 - 2]))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(204);

        HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(events).header("Authorization", token)
                .header("iothub-app-k", "v").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[256 * 1024 - 1]))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(Json.tree(tooLarge.body()).path("errorCode").asInt()).isEqualTo(413001);

        String wrong = SasSigner.sign(hub + "/devices/" + id, Ids.symmetricKey(), null,
                Instant.now().getEpochSecond() + 600);
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(events).header("Authorization", wrong)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
    }
}
