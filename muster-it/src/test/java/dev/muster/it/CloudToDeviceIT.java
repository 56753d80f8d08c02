package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cloud-to-device messages end to end with the official clients, unchanged: the Java service SDK's
 * {@code MessagingClient} sends over AMQPS to the hub's {@code /messages/devicebound}, the Java device SDK receives
 * over MQTT and MQTT over WebSockets, and {@code MessageFeedbackProcessorClient} reads the delivery feedback.
 */
class CloudToDeviceIT {
    private static String connectionString;
    private static HubRest rest;
    private static MessagingClient messaging;

    @BeforeAll
    static void open() throws Exception {
        connectionString = MusterUnderTest.info().hubs().get(0).connectionString();
        rest = new HubRest(connectionString);
        messaging = C2dClients.messaging(connectionString, MusterUnderTest.trust());
    }

    @AfterAll
    static void close() throws Exception {
        if (messaging != null) {
            messaging.close();
        }
    }

    private static String device(String prefix, String key) throws Exception {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        rest.createSasDevice(id, key);
        return id;
    }

    private static Message message(String body, String messageId, DeliveryAcknowledgement ack) {
        Message m = new Message(body);
        m.setMessageId(messageId);
        m.setCorrelationId("corr-" + messageId);
        m.setDeliveryAcknowledgement(ack);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("color", "blue/green");
        props.put("with space", "a&b=c");
        m.setProperties(props);
        return m;
    }

    private static int pendingCount(String deviceId) throws Exception {
        HttpResponse<String> r = rest.call("GET", "/devices/" + deviceId, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body()).path("cloudToDeviceMessageCount").asInt(-1);
    }

    private static FeedbackRecord awaitFeedback(BlockingQueue<FeedbackRecord> seen, String messageId)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            FeedbackRecord r = seen.poll(1, TimeUnit.SECONDS);
            if (r != null && messageId.equals(r.getOriginalMessageId())) {
                return r;
            }
        }
        throw new AssertionError("no feedback for message " + messageId + " within 30 s");
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS"})
    void aMessageReachesAnMqttDeviceWithItsPropertiesAndItsCompletionComesBackAsFeedback(IotHubClientProtocol protocol)
            throws Exception {
        String key = Ids.policyKey();
        String id = device("c2d-" + protocol.name().toLowerCase().replace('_', '-'), key);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = C2dClients.queue();
        BlockingQueue<FeedbackRecord> feedback = C2dClients.queue();
        AtomicInteger batches = new AtomicInteger();
        // The first batch with this device's record is given back once: it must come again.
        MessageFeedbackProcessorClient processor = C2dClients.feedback(connectionString, MusterUnderTest.trust(),
                feedback, batch -> batch.getRecords().stream().anyMatch(r -> id.equals(r.getDeviceId()))
                        && batches.getAndIncrement() == 0 ? AcknowledgementType.ABANDON : AcknowledgementType.COMPLETE);
        DeviceClient device = C2dClients.receivingDevice(MusterUnderTest.hub(), id, key, protocol,
                MusterUnderTest.trust(), received);
        try {
            device.open(false);
            String messageId = "mid-" + UUID.randomUUID();
            messaging.send(id, message("hello " + id, messageId, DeliveryAcknowledgement.Full));

            com.microsoft.azure.sdk.iot.device.Message got = received.poll(30, TimeUnit.SECONDS);
            assertThat(got).as("the device received the message").isNotNull();
            assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello " + id);
            assertThat(got.getMessageId()).isEqualTo(messageId);
            assertThat(got.getCorrelationId()).isEqualTo("corr-" + messageId);
            assertThat(got.getProperty("color")).isEqualTo("blue/green");
            assertThat(got.getProperty("with space")).isEqualTo("a&b=c");

            FeedbackRecord first = awaitFeedback(feedback, messageId);
            assertThat(first.getStatusCode()).isEqualTo(FeedbackStatusCode.success);
            assertThat(first.getDeviceId()).isEqualTo(id);
            FeedbackRecord again = awaitFeedback(feedback, messageId);
            assertThat(again.getEnqueuedTimeUtc()).as("the abandoned batch came back").isEqualTo(
                    first.getEnqueuedTimeUtc());
            assertThat(pendingCount(id)).isZero();
        } finally {
            device.close();
            processor.stop();
        }
    }

    @Test
    void aMessageQueuedWhileTheDeviceIsOfflineIsDeliveredWhenItConnects() throws Exception {
        String key = Ids.policyKey();
        String id = device("c2d-offline", key);
        messaging.send(id, message("while you were away", "offline-1", DeliveryAcknowledgement.None));
        assertThat(pendingCount(id)).isEqualTo(1);

        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = C2dClients.queue();
        DeviceClient device = C2dClients.receivingDevice(MusterUnderTest.hub(), id, key, IotHubClientProtocol.MQTT,
                MusterUnderTest.trust(), received);
        try {
            device.open(false);
            com.microsoft.azure.sdk.iot.device.Message got = received.poll(30, TimeUnit.SECONDS);
            assertThat(got).as("delivered after connecting").isNotNull();
            assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("while you were away");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (pendingCount(id) != 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(pendingCount(id)).as("the PUBACK completed it").isZero();
        } finally {
            device.close();
        }
    }

    @Test
    void theFiftyFirstMessageIsRefusedAsQueueDepthExceededAndAPurgeEmptiesTheQueue() throws Exception {
        String id = device("c2d-full", Ids.policyKey());
        for (int i = 0; i < 50; i++) {
            messaging.send(id, message("m" + i, "full-" + i, DeliveryAcknowledgement.None));
        }
        assertThatThrownBy(() -> messaging.send(id, message("m50", "full-50", DeliveryAcknowledgement.None)))
                .isInstanceOf(IotHubDeviceMaximumQueueDepthExceededException.class);
        assertThat(pendingCount(id)).isEqualTo(50);

        HttpResponse<String> purged = rest.call("DELETE", "/devices/" + id + "/commands", null);
        assertThat(purged.statusCode()).as(purged.body()).isEqualTo(200);
        JsonNode body = Json.tree(purged.body());
        assertThat(body.path("totalMessagesPurged").asInt()).isEqualTo(50);
        assertThat(body.path("deviceId").asText()).isEqualTo(id);
        assertThat(pendingCount(id)).isZero();
        messaging.send(id, message("after the purge", "full-51", DeliveryAcknowledgement.None));
        assertThat(pendingCount(id)).isEqualTo(1);
    }

    @Test
    void aServiceSendsOverAmqpOnAWebSocketToo() throws Exception {
        String id = device("c2d-ws", Ids.policyKey());
        MessagingClient overWebSocket = C2dClients.messaging(connectionString, MusterUnderTest.trust(),
                IotHubServiceClientProtocol.AMQPS_WS);
        try {
            overWebSocket.send(id, message("via 443", "ws-1", DeliveryAcknowledgement.None));
        } finally {
            overWebSocket.close();
        }
        assertThat(pendingCount(id)).isEqualTo(1);
    }

    @Test
    void aMessageForAnUnknownDeviceIsNotFound() {
        assertThatThrownBy(() -> messaging.send("no-such-device-" + UUID.randomUUID(),
                message("lost", "lost-1", DeliveryAcknowledgement.None)))
                .isInstanceOf(IotHubNotFoundException.class);
    }
}
