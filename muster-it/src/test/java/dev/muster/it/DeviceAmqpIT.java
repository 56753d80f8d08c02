package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.MultiplexingClient;
import com.microsoft.azure.sdk.iot.device.MultiplexingClientOptions;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.sas.SasSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Devices connected to a built-in hub over AMQP (reference §5) with the official Java device client over AMQPS and
 * AMQPS_WS, the official Java service client on the other end: telemetry on the hub's monitor stream, the twin (read,
 * reported patch, desired push), a direct method, cloud-to-device messages completed, abandoned and rejected with the
 * feedback that follows, connection state, token renewal, and refusals.
 */
class DeviceAmqpIT {
    private static final NodePackage NODE = new NodePackage("node");
    private final String hub = MusterUnderTest.hub();
    private final String hubConnectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(hubConnectionString);

    private String newDevice(String prefix, String key) throws Exception {
        return rest.newSasDevice(prefix, key);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void telemetryReachesTheMonitorStreamWithItsPropertiesAndTheDeviceReadsConnected(IotHubClientProtocol protocol)
            throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-d2c-" + protocol.name().toLowerCase(), key);
        RegistryClient registry = new RegistryClient(hubConnectionString);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            DeviceClient device = Devices.hubClient(hub, id, key, protocol);
            device.open(true);
            try {
                assertThat(registry.getDevice(id).getConnectionState()).isEqualTo(DeviceConnectionState.Connected);
                Message m = new Message("{\"temperature\":21.5}");
                m.setMessageId("m-" + id);
                m.setCorrelationId("c-" + id);
                m.setContentType("application/json");
                m.setContentEncoding("utf-8");
                m.setProperty("site", "hall-3");
                device.sendEvent(m);

                JsonNode seen = monitor.next(id, e -> true, 15);
                assertThat(seen).as("the message on the monitor stream").isNotNull();
                assertThat(seen.path("body").path("temperature").asDouble()).isEqualTo(21.5);
                JsonNode p = seen.path("systemProperties");
                assertThat(p.path("message-id").asText()).isEqualTo("m-" + id);
                assertThat(p.path("correlation-id").asText()).isEqualTo("c-" + id);
                assertThat(p.path("content-type").asText()).isEqualTo("application/json");
                assertThat(p.path("content-encoding").asText()).isEqualTo("utf-8");
                assertThat(seen.path("properties").path("site").asText()).isEqualTo("hall-3");
                assertThat(p.path("iothub-connection-device-id").asText()).isEqualTo(id);
                assertThat(Json.tree(p.path("iothub-connection-auth-method").asText()).path("type").asText())
                        .isEqualTo("sas");
                assertThat(p.path("iothub-connection-auth-generation-id").asText()).isNotBlank();
            } finally {
                device.close();
            }
        }
        assertThat(eventually(() -> registry.getDevice(id).getConnectionState() == DeviceConnectionState.Disconnected))
                .as("disconnected once the client closed").isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void theTwinIsReadPatchedAndPushedOverAmqp(IotHubClientProtocol protocol) throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-twin-" + protocol.name().toLowerCase(), key);
        rest.patchTwin(id, "{\"properties\":{\"desired\":{\"interval\":30}}}");
        DeviceClient device = Devices.hubClient(hub, id, key, protocol);
        device.open(true);
        try {
            BlockingQueue<Twin> pushes = new LinkedBlockingQueue<>();
            device.subscribeToDesiredProperties((t, ctx) -> pushes.add(t), null);
            Twin twin = TwinReads.get(device);
            assertThat(((Number) twin.getDesiredProperties().get("interval")).intValue()).isEqualTo(30);

            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "2.0.1");
            ReportedProperties.send(device, reported);
            JsonNode stored = Json.tree(rest.call("GET", "/twins/" + id, null).body());
            assertThat(stored.path("properties").path("reported").path("firmware").asText()).isEqualTo("2.0.1");

            rest.patchTwin(id, "{\"properties\":{\"desired\":{\"interval\":5}}}");
            Twin pushed = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < until) {
                Twin t = pushes.poll(1, TimeUnit.SECONDS);
                if (t != null && t.getDesiredProperties().get("interval") instanceof Number n && n.intValue() == 5) {
                    pushed = t;
                    break;
                }
            }
            assertThat(pushed).as("the desired change pushed to the device").isNotNull();
            long storedVersion = Json.tree(rest.call("GET", "/twins/" + id, null).body()).path("properties")
                    .path("desired").path("$version").asLong();
            assertThat(pushed.getDesiredProperties().getVersion()).isEqualTo((int) storedVersion);
        } finally {
            device.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void theJavaServiceClientInvokesAMethodTheDeviceAnswersOverAmqp(IotHubClientProtocol protocol) throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-method-" + protocol.name().toLowerCase(), key);
        DeviceClient device = Devices.hubClient(hub, id, key, protocol);
        device.open(true);
        try {
            device.subscribeToMethods((name, payload, context) -> name.equals("echo")
                    ? new DirectMethodResponse(200, Map.of("echo", JsonParser.parseString(
                            payload.getPayloadAsJsonString())))
                    : new DirectMethodResponse(404, Map.of("unknown", name)), null);
            DirectMethodsClient methods = new DirectMethodsClient(hubConnectionString);
            var answer = methods.invoke(id, "echo", DirectMethodRequestOptions.builder()
                    .payload(Map.of("n", 7, "text", "héllo")).methodResponseTimeoutSeconds(10).build());
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(Json.tree(answer.getPayloadAsJsonString()).path("echo"))
                    .isEqualTo(Json.tree("{\"n\":7,\"text\":\"héllo\"}"));
            var unknown = methods.invoke(id, "reboot", DirectMethodRequestOptions.builder()
                    .methodResponseTimeoutSeconds(10).build());
            assertThat(unknown.getStatus()).isEqualTo(404);
        } finally {
            device.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "AMQPS_WS"})
    void cloudToDeviceMessagesAreCompletedAbandonedAndRejectedWithTheirFeedback(IotHubClientProtocol protocol)
            throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-c2d-" + protocol.name().toLowerCase(), key);
        Map<String, FeedbackStatusCode> feedback = new ConcurrentHashMap<>();
        MessageFeedbackProcessorClient feedbackClient = new MessageFeedbackProcessorClient(hubConnectionString,
                IotHubServiceClientProtocol.AMQPS, batch -> {
            for (FeedbackRecord r : batch.getRecords()) {
                feedback.put(r.getOriginalMessageId(), r.getStatusCode());
            }
            return AcknowledgementType.COMPLETE;
        }, MessageFeedbackProcessorClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        MessagingClient messaging = new MessagingClient(hubConnectionString, IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        messaging.open();
        feedbackClient.start();
        // Queued before the device connects: delivered once its receiver link attaches.
        messaging.send(id, c2d("first", "complete"));
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger abandons = new AtomicInteger();
        DeviceClient device = Devices.hubClient(hub, id, key, protocol);
        device.setMessageCallback((message, context) -> {
            String body = new String(message.getBytes(), StandardCharsets.UTF_8);
            received.add(body + "|" + message.getProperty("kind"));
            return switch (message.getProperty("kind")) {
                case "abandon-once" -> abandons.getAndIncrement() == 0 ? IotHubMessageResult.ABANDON
                        : IotHubMessageResult.COMPLETE;
                case "reject" -> IotHubMessageResult.REJECT;
                default -> IotHubMessageResult.COMPLETE;
            };
        }, null);
        device.open(true);
        try {
            messaging.send(id, c2d("second", "abandon-once"));
            messaging.send(id, c2d("third", "reject"));
            assertThat(eventually(() -> feedback.size() >= 3)).as("feedback " + feedback + ", received " + received)
                    .isTrue();
            assertThat(feedback).containsEntry("first", FeedbackStatusCode.success)
                    .containsEntry("second", FeedbackStatusCode.success)
                    .containsEntry("third", FeedbackStatusCode.rejected);
            assertThat(received).containsExactlyInAnyOrder("first|complete", "second|abandon-once",
                    "second|abandon-once", "third|reject");
            assertThat(abandons.get()).isEqualTo(2);
            JsonNode shown = Json.tree(rest.call("GET", "/devices/" + id, null).body());
            assertThat(shown.path("cloudToDeviceMessageCount").asInt()).isZero();
        } finally {
            device.close();
            messaging.close();
            feedbackClient.stop();
        }
    }

    private static com.microsoft.azure.sdk.iot.service.messaging.Message c2d(String body, String kind) {
        var m = new com.microsoft.azure.sdk.iot.service.messaging.Message(body);
        m.setMessageId(body);
        m.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        m.setProperties(Map.of("kind", kind));
        return m;
    }

    @Test
    void aWrongKeyIsRefused() throws Exception {
        String id = newDevice("amqp-wrong-key", Ids.symmetricKey());
        DeviceClient device = Devices.hubClient(hub, id, Ids.symmetricKey(), IotHubClientProtocol.AMQPS);
        Throwable refused = catchThrowable(() -> device.open(false));
        device.close();
        assertThat(refused).isInstanceOf(IotHubClientException.class);
        assertThat(new RegistryClient(hubConnectionString).getDevice(id).getConnectionState())
                .isEqualTo(DeviceConnectionState.Disconnected);
    }

    @Test
    void aShortLivedTokenIsRenewedOnTheSameConnection() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-renew", key);
        List<IotHubConnectionStatus> statuses = new CopyOnWriteArrayList<>();
        DeviceClient device = new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                IotHubClientProtocol.AMQPS, ClientOptions.builder().sslContext(MusterUnderTest.trust())
                .sasTokenExpiryTime(8).build());
        device.setConnectionStatusChangeCallback(c -> statuses.add(c.getNewStatus()), null);
        device.open(true);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            TimeUnit.SECONDS.sleep(14);
            device.sendEvent(new Message("{\"after\":\"renewal\"}"));
            assertThat(monitor.next(id, e -> e.path("body").path("after").asText().equals("renewal"), 10)).isNotNull();
            assertThat(statuses).as("the connection never dropped").containsOnly(IotHubConnectionStatus.CONNECTED);
        } finally {
            device.close();
        }
    }

    @Test
    void severalDevicesShareOneMultiplexedConnection() throws Exception {
        List<DeviceClient> devices = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        MultiplexingClient mux = new MultiplexingClient(hub, IotHubClientProtocol.AMQPS,
                MultiplexingClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        for (int i = 0; i < 3; i++) {
            String key = Ids.symmetricKey();
            String id = newDevice("amqp-mux-" + i, key);
            ids.add(id);
            // The multiplexed connection takes its TLS settings from the first device's options.
            devices.add(new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                    IotHubClientProtocol.AMQPS, ClientOptions.builder().sslContext(MusterUnderTest.trust()).build()));
        }
        mux.registerDeviceClients(devices);
        mux.open(true);
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            RegistryClient registry = new RegistryClient(hubConnectionString);
            for (int i = 0; i < devices.size(); i++) {
                devices.get(i).sendEvent(new Message("{\"n\":" + i + "}"));
            }
            for (int i = 0; i < devices.size(); i++) {
                int n = i;
                assertThat(monitor.next(ids.get(i), e -> e.path("body").path("n").asInt() == n, 10))
                        .as("telemetry of " + ids.get(i)).isNotNull();
                assertThat(registry.getDevice(ids.get(i)).getConnectionState())
                        .isEqualTo(DeviceConnectionState.Connected);
            }
        } finally {
            mux.close();
        }
    }

    @Test
    void anX509DeviceConnectsWithItsClientCertificateAndNoToken() throws Exception {
        String id = "amqp-x509-" + UUID.randomUUID().toString().substring(0, 8);
        X509Devices.Identity cert = X509Devices.selfSigned(id);
        rest.createSelfSignedDevice(id, cert.cert());
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            DeviceClient device = new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";x509=true",
                    IotHubClientProtocol.AMQPS,
                    ClientOptions.builder().sslContext(X509Devices.sslContext(cert)).build());
            device.open(true);
            try {
                device.sendEvent(new Message("{\"x509\":true}"));
                JsonNode seen = monitor.next(id, e -> true, 15);
                assertThat(seen).isNotNull();
                assertThat(Json.tree(seen.path("systemProperties").path("iothub-connection-auth-method").asText())
                        .path("type").asText()).isEqualTo("x509Certificate");
                // The twin over the certificate session (a reported patch: DeviceClient.getTwin's answer can be
                // lost inside iot-device-client 2.5.0 under load, see ReportedProperties).
                device.subscribeToDesiredProperties((t, ctx) -> { }, null);
                TwinCollection reported = new TwinCollection();
                reported.put("auth", "x509");
                ReportedProperties.send(device, reported);
                assertThat(Json.tree(rest.call("GET", "/twins/" + id, null).body()).path("properties")
                        .path("reported").path("auth").asText()).isEqualTo("x509");
            } finally {
                device.close();
            }
        }
        DeviceClient impostor = new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";x509=true",
                IotHubClientProtocol.AMQPS, ClientOptions.builder()
                .sslContext(X509Devices.sslContext(X509Devices.selfSigned(id))).build());
        assertThat(catchThrowable(() -> impostor.open(false))).isInstanceOf(IotHubClientException.class);
        impostor.close();
    }

    /** The Node device SDK over AMQP: telemetry, twin, a method from the Node service client, a C2D message. */
    @Test
    void theNodeAmqpDeviceSendsReadsItsTwinAnswersAMethodAndReceives() throws Exception {
        NODE.install();
        String key = Ids.symmetricKey();
        String id = newDevice("node-amqp", key);
        rest.patchTwin(id, "{\"properties\":{\"desired\":{\"mode\":\"eco\"}}}");
        try (HubMonitor monitor = new HubMonitor(hubConnectionString)) {
            JsonNode out = NODE.run(List.of("node", "device-amqp.js", hubConnectionString,
                    "HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key), 120).lastJson();

            assertThat(out.has("error")).as(out.toString()).isFalse();
            JsonNode seen = monitor.next(id, e -> true, 10);
            assertThat(seen).as("the Node device's telemetry on the monitor stream").isNotNull();
            assertThat(seen.path("body").path("from").asText()).isEqualTo("node-amqp");
            assertThat(seen.path("systemProperties").path("message-id").asText()).isEqualTo("node-" + id);
            assertThat(seen.path("properties").path("sdk").asText()).isEqualTo("node");
            assertThat(out.path("desired").path("mode").asText()).isEqualTo("eco");
            assertThat(Json.tree(rest.call("GET", "/twins/" + id, null).body()).path("properties").path("reported")
                    .path("fw").asText()).isEqualTo("n1");
            assertThat(out.path("echo").path("status").asInt()).isEqualTo(200);
            assertThat(out.path("echo").path("payload").path("echo").path("n").asInt()).isEqualTo(7);
            assertThat(out.path("c2d").path("body").asText()).isEqualTo("to-node");
            assertThat(out.path("c2d").path("messageId").asText()).isEqualTo("c2d-" + id);
            assertThat(out.path("c2d").path("kind").asText()).isEqualTo("greeting");
        }
    }

    private String deviceToken(String id, String key, long seconds) {
        return SasSigner.sign(hub + "/devices/" + id, key, null, Instant.now().getEpochSecond() + seconds);
    }

    private static org.apache.qpid.proton.message.Message telemetry(Section body) {
        org.apache.qpid.proton.message.Message m = org.apache.qpid.proton.message.Message.Factory.create();
        m.setBody(body);
        return m;
    }

    @Test
    void anExpiredTokenDetachesTheDevicesLinksWithUnauthorizedAccess() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-expiry", key);
        try (RawHubAmqp raw = RawHubAmqp.connect(hub)) {
            assertThat(raw.putToken(hub + "/devices/" + id, deviceToken(id, key, 4))).isEqualTo(200);
            RawHubAmqp.Sender events = raw.sender("/devices/" + id + "/messages/events");
            assertThat(raw.send(events, telemetry(new Data(new Binary("{}".getBytes(StandardCharsets.UTF_8))))))
                    .isInstanceOf(Accepted.class);
            assertThat(new RegistryClient(hubConnectionString).getDevice(id).getConnectionState())
                    .isEqualTo(DeviceConnectionState.Connected);

            ErrorCondition why = events.detached().get(15, TimeUnit.SECONDS);
            assertThat((Object) why.getCondition()).isEqualTo(AmqpError.UNAUTHORIZED_ACCESS);
            assertThat(eventually(() -> new RegistryClient(hubConnectionString).getDevice(id).getConnectionState()
                    == DeviceConnectionState.Disconnected)).isTrue();
            Throwable refused = catchThrowable(() -> raw.sender("/devices/" + id + "/messages/events"));
            assertThat(refused).hasMessageContaining("unauthorized-access");
        }
    }

    @Test
    void linksOfADeviceWithoutATokenAreRefused() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-no-token", key);
        String other = newDevice("amqp-other", Ids.symmetricKey());
        try (RawHubAmqp raw = RawHubAmqp.connect(hub)) {
            Throwable refused = catchThrowable(() -> raw.sender("/devices/" + id + "/messages/events"));
            assertThat(refused).hasMessageContaining("unauthorized-access");
            // A token for one device opens nothing of another's.
            assertThat(raw.putToken(hub + "/devices/" + id, deviceToken(id, key, 600))).isEqualTo(200);
            assertThat(catchThrowable(() -> raw.sender("/devices/" + other + "/messages/events")))
                    .hasMessageContaining("unauthorized-access");
            assertThat(raw.sender("/devices/" + id + "/messages/events")).isNotNull();
        }
    }

    @Test
    void telemetryOver256KbOrWithoutADataBodyIsRejectedWithAnAmqpError() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("amqp-bad-d2c", key);
        try (RawHubAmqp raw = RawHubAmqp.connect(hub)) {
            assertThat(raw.putToken(hub + "/devices/" + id, deviceToken(id, key, 600))).isEqualTo(200);
            RawHubAmqp.Sender events = raw.sender("/devices/" + id + "/messages/events");

            DeliveryState tooLarge = raw.send(events, telemetry(new Data(new Binary(new byte[256 * 1024 + 1]))));
            assertThat(tooLarge).isInstanceOf(Rejected.class);
            assertThat((Object) ((Rejected) tooLarge).getError().getCondition())
                    .isEqualTo(LinkError.MESSAGE_SIZE_EXCEEDED);

            DeliveryState sequence = raw.send(events, telemetry(new AmqpSequence(List.of(1, 2))));
            assertThat(sequence).isInstanceOf(Rejected.class);
            assertThat((Object) ((Rejected) sequence).getError().getCondition()).isEqualTo(AmqpError.NOT_ALLOWED);

            DeliveryState fits = raw.send(events, telemetry(new Data(new Binary(new byte[256 * 1024]))));
            assertThat(fits).isInstanceOf(Accepted.class);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean eventually(Check check) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < until) {
            if (check.holds()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return check.holds();
    }
}
