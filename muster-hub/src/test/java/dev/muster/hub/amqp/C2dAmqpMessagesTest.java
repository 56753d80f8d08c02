package dev.muster.hub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackRecord;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.c2d.FeedbackBatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class C2dAmqpMessagesTest {
    private static final String HUB = "hub-one.muster.test";

    private static Message message(String to) {
        Message m = Message.Factory.create();
        m.setAddress(to);
        return m;
    }

    @Test
    void aServiceMessageKeepsItsIdsPropertiesBodyAndExpiry() {
        UUID id = UUID.randomUUID();
        Message m = message("/devices/dev-1/messages/devicebound");
        m.setMessageId(id);
        m.setCorrelationId("corr-1");
        m.setUserId("alice".getBytes(StandardCharsets.UTF_8));
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        m.setExpiryTime(0);
        m.getProperties().setAbsoluteExpiryTime(Date.from(Instant.parse("2030-01-01T00:00:00Z")));
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("iothub-ack", "full");
        app.put("color", "blue");
        app.put("count", 3);
        m.setApplicationProperties(new ApplicationProperties(app));
        m.setBody(new Data(new Binary("{\"on\":true}".getBytes(StandardCharsets.UTF_8))));

        C2dAmqpMessages.Outgoing o = C2dAmqpMessages.outgoing(HUB, m);

        assertThat(o.queue()).isEqualTo(DeviceQueue.device(HUB, "dev-1"));
        assertThat(o.content().messageId()).as("a uuid message-id as text").isEqualTo(id.toString());
        assertThat(o.content().correlationId()).isEqualTo("corr-1");
        assertThat(o.content().userId()).isEqualTo("alice");
        assertThat(o.content().contentType()).isEqualTo("application/json");
        assertThat(o.content().contentEncoding()).isEqualTo("utf-8");
        assertThat(o.content().ack()).isEqualTo("full");
        assertThat(o.content().properties()).as("iothub-ack is the hub's, not the device's")
                .containsExactly(Map.entry("color", "blue"), Map.entry("count", "3"));
        assertThat(new String(o.content().body(), StandardCharsets.UTF_8)).isEqualTo("{\"on\":true}");
        assertThat(o.absoluteExpiry()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }

    @Test
    void aModuleAddressAndAnEncodedDeviceIdNameTheirQueue() {
        assertThat(C2dAmqpMessages.outgoing(HUB, message("/devices/dev-1/modules/m-2/messages/devicebound")).queue())
                .isEqualTo(new DeviceQueue(HUB, "dev-1", "m-2"));
        assertThat(C2dAmqpMessages.outgoing(HUB, message("/devices/dev%201/messages/devicebound")).queue().deviceId())
                .isEqualTo("dev 1");
    }

    @Test
    void noExpiryMeansTheHubDefaultAndNoBodyMeansAnEmptyOne() {
        C2dAmqpMessages.Outgoing o = C2dAmqpMessages.outgoing(HUB, message("/devices/dev-1/messages/devicebound"));
        assertThat(o.absoluteExpiry()).isNull();
        assertThat(o.content().body()).isEmpty();
        Message text = message("/devices/dev-1/messages/devicebound");
        text.setBody(new AmqpValue("hi"));
        assertThat(C2dAmqpMessages.outgoing(HUB, text).content().body()).isEqualTo("hi".getBytes());
    }

    @Test
    void aMessageWithoutADeviceboundAddressIsABadArgument() {
        for (String to : new String[] {null, "/devices/dev-1/messages/events", "/devices//messages/devicebound",
                "/twins/dev-1"}) {
            assertThatThrownBy(() -> C2dAmqpMessages.outgoing(HUB, message(to))).as(String.valueOf(to))
                    .isInstanceOfSatisfying(HubError.class,
                            e -> assertThat(e.code()).isEqualTo(HubErrorCode.ARGUMENT_INVALID));
        }
    }

    @Test
    void feedbackIsAJsonArrayInADataSectionWithAzuresContentType() {
        FeedbackRecord r = new FeedbackRecord("m-1", Instant.parse("2025-04-01T09:00:00.123Z"), "Success", "Success",
                "dev-1", "gen-1");
        Message m = C2dAmqpMessages.feedback(new FeedbackBatch(HUB, "lock", List.of(r)));

        assertThat(m.getContentType()).isEqualTo("application/vnd.microsoft.iothub.feedback.json");
        assertThat(new String(m.getUserId(), StandardCharsets.UTF_8)).isEqualTo("hub-one");
        assertThat(m.getBody()).isInstanceOf(Data.class);
        Binary b = ((Data) m.getBody()).getValue();
        JsonNode body = Json.tree(new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8));
        assertThat(body.isArray()).isTrue();
        JsonNode record = body.get(0);
        assertThat(record.path("originalMessageId").asText()).isEqualTo("m-1");
        assertThat(record.path("enqueuedTimeUtc").asText()).isEqualTo("2025-04-01T09:00:00.123Z");
        assertThat(record.path("statusCode").asText()).isEqualTo("Success");
        assertThat(record.path("description").asText()).isEqualTo("Success");
        assertThat(record.path("deviceId").asText()).isEqualTo("dev-1");
        assertThat(record.path("deviceGenerationId").asText()).isEqualTo("gen-1");
    }

    @Test
    void queueFullUnknownDeviceAndTooLargeBecomeTheConditionsTheJavaClientMaps() {
        assertThat(condition(new HubError(HubErrorCode.DEVICE_MAXIMUM_QUEUE_DEPTH_EXCEEDED, "full")))
                .isEqualTo("amqp:resource-limit-exceeded");
        assertThat(condition(HubError.deviceNotFound("x"))).isEqualTo("amqp:not-found");
        assertThat(condition(new HubError(HubErrorCode.MESSAGE_TOO_LARGE, "big")))
                .isEqualTo("amqp:link:message-size-exceeded");
        assertThat(condition(new IllegalStateException())).isEqualTo("amqp:internal-error");
    }

    private static String condition(Throwable failure) {
        return AmqpLinks.condition(failure).getCondition().toString();
    }
}
