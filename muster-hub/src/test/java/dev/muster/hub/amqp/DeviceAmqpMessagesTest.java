package dev.muster.hub.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class DeviceAmqpMessagesTest {
    private static final String HUB = "hub-one.muster.test";

    private static Message withBody(byte[] body) {
        Message m = Message.Factory.create();
        m.setBody(new Data(new Binary(body)));
        return m;
    }

    private static String text(Message m) {
        Binary b = ((Data) m.getBody()).getValue();
        return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
    }

    @Test
    void telemetryCarriesTheSendersAmqpPropertiesAsSystemPropertiesAndItsApplicationPropertiesAsText() {
        Message m = withBody("{\"t\":1}".getBytes(StandardCharsets.UTF_8));
        m.setMessageId("m-1");
        m.setCorrelationId(UUID.fromString("6f1c2f3e-0000-4000-8000-000000000001"));
        m.setUserId("operator".getBytes(StandardCharsets.UTF_8));
        m.setAddress("/devices/dev-1/messages/events");
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        m.getProperties().setAbsoluteExpiryTime(java.util.Date.from(Instant.parse("2026-12-03T11:00:00Z")));
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("site", "hall-3");
        app.put("count", 3);
        app.put("iothub-creation-time-utc", "2026-12-03T09:59:59Z");
        m.setApplicationProperties(new ApplicationProperties(app));
        m.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("dt-subject"), "thermostat1",
                Symbol.valueOf("x-opt-unrelated"), "dropped")));

        EventContent sent = DeviceAmqpMessages.telemetry(m);

        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":1}");
        assertThat(sent.systemProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "message-id", "m-1", "correlation-id", "6f1c2f3e-0000-4000-8000-000000000001",
                "user-id", "operator", "to", "/devices/dev-1/messages/events",
                "content-type", "application/json", "content-encoding", "utf-8",
                "absolute-expiry-time", "2026-12-03T11:00:00Z", "dt-subject", "thermostat1"));
        assertThat(sent.applicationProperties()).containsExactly(Map.entry("site", "hall-3"),
                Map.entry("count", "3"), Map.entry("iothub-creation-time-utc", "2026-12-03T09:59:59Z"));
    }

    @Test
    void telemetryWithoutADataBodyIsRefused() {
        Message sequence = Message.Factory.create();
        sequence.setBody(new AmqpSequence(List.of(1)));
        assertThatThrownBy(() -> DeviceAmqpMessages.telemetry(sequence))
                .isInstanceOfSatisfying(HubError.class,
                        e -> assertThat(e.code()).isEqualTo(HubErrorCode.ARGUMENT_INVALID));
    }

    @Test
    void aCloudToDeviceMessageReachesTheDeviceWithItsPropertiesInADataSection() {
        DeviceQueue q = DeviceQueue.device(HUB, "dev-1");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kind", "greeting");
        CloudToDeviceContent c = new CloudToDeviceContent("m-9", "c-9", "svc", null, "text/plain", "utf-8", "full",
                props, "hello".getBytes(StandardCharsets.UTF_8));
        Instant enqueued = Instant.parse("2026-12-03T10:00:00Z");
        CloudToDeviceMessage queued = new CloudToDeviceMessage(q, "id-1", 4, c, "gen", enqueued,
                enqueued.plusSeconds(3600), 2, "lock-1");

        Message out = DeviceAmqpMessages.cloudToDevice(queued);

        assertThat(out.getMessageId()).isEqualTo("m-9");
        assertThat(out.getCorrelationId()).isEqualTo("c-9");
        assertThat(out.getAddress()).isEqualTo("/devices/dev-1/messages/devicebound");
        assertThat(new String(out.getUserId(), StandardCharsets.UTF_8)).isEqualTo("svc");
        assertThat(out.getContentType()).isEqualTo("text/plain");
        assertThat(out.getContentEncoding()).isEqualTo("utf-8");
        assertThat(out.getProperties().getAbsoluteExpiryTime().toInstant()).isEqualTo(enqueued.plusSeconds(3600));
        assertThat(out.getHeader().getDeliveryCount().intValue()).isEqualTo(2);
        assertThat(out.getApplicationProperties().getValue()).containsEntry("kind", "greeting")
                .doesNotContainKey("iothub-ack");
        assertThat(text(out)).isEqualTo("hello");
    }

    @Test
    void aTwinRequestIsReadFromItsAnnotationsAndItsAnswerEchoesTheCorrelationIdWithItsType() {
        UUID javaId = UUID.randomUUID();
        Message m = withBody("{\"fw\":2}".getBytes(StandardCharsets.UTF_8));
        m.setCorrelationId(javaId);
        m.setMessageAnnotations(new MessageAnnotations(Map.of(DeviceAmqpMessages.OPERATION, "patch",
                DeviceAmqpMessages.RESOURCE, "/properties/reported")));

        DeviceAmqpMessages.TwinRequest r = DeviceAmqpMessages.twinRequest(m);

        assertThat(r.operation()).isEqualTo("PATCH");
        assertThat(r.resource()).isEqualTo("/properties/reported");
        assertThat(r.correlationId()).isEqualTo(javaId);
        Message answer = DeviceAmqpMessages.twinResponse(r.correlationId(), 204, 7L, new byte[0]);
        assertThat(answer.getCorrelationId()).isEqualTo(javaId);
        assertThat(answer.getMessageAnnotations().getValue()).containsEntry(DeviceAmqpMessages.STATUS, 204)
                .containsEntry(DeviceAmqpMessages.VERSION, 7L);
        assertThat(answer.getBody()).isInstanceOf(Data.class);

        Message nodeAnswer = DeviceAmqpMessages.twinResponse("0c7a-string-id", 200, null, "{}".getBytes());
        assertThat(nodeAnswer.getCorrelationId()).isEqualTo("0c7a-string-id");
        assertThat(nodeAnswer.getMessageAnnotations().getValue()).doesNotContainKey(DeviceAmqpMessages.VERSION);
    }

    @Test
    void aTwinRequestWithoutAnOperationIsRefused() {
        assertThatThrownBy(() -> DeviceAmqpMessages.twinRequest(withBody(new byte[0])))
                .isInstanceOf(HubError.class).hasMessageContaining("operation");
    }

    @Test
    void aDesiredPushHasNoCorrelationIdAndNamesItsResourceAndVersion() {
        ObjectNode patch = (ObjectNode) Json.tree("{\"interval\":5,\"$version\":3}");

        Message push = DeviceAmqpMessages.desiredPush(patch);

        assertThat(push.getCorrelationId()).isNull();
        assertThat(push.getMessageAnnotations().getValue()).containsEntry(DeviceAmqpMessages.RESOURCE,
                "/properties/desired").containsEntry(DeviceAmqpMessages.VERSION, 3L);
        assertThat(Json.tree(text(push))).isEqualTo(patch);
    }

    @Test
    void aMethodRequestCarriesAUuidAndItsNameAndTheAnswerIsMatchedByIt() {
        UUID id = UUID.randomUUID();
        Message request = DeviceAmqpMessages.methodRequest(id, "reboot", "{\"delay\":1}".getBytes());
        assertThat(request.getCorrelationId()).isEqualTo(id);
        assertThat(request.getApplicationProperties().getValue()).containsEntry("IoThub-methodname", "reboot");
        assertThat(text(request)).isEqualTo("{\"delay\":1}");

        Message javaAnswer = withBody("{\"ok\":true}".getBytes());
        javaAnswer.setCorrelationId(id);
        javaAnswer.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", 201)));
        DeviceAmqpMessages.MethodResponse r = DeviceAmqpMessages.methodResponse(javaAnswer);
        assertThat(r.requestId()).isEqualTo(id.toString());
        assertThat(r.status()).isEqualTo(201);
        assertThat(new String(r.body())).isEqualTo("{\"ok\":true}");

        // Node sends the id as text (upper-case is still the same uuid) and may send the status as a string.
        Message nodeAnswer = withBody(new byte[0]);
        nodeAnswer.setCorrelationId(id.toString().toUpperCase());
        nodeAnswer.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", "404")));
        assertThat(DeviceAmqpMessages.methodResponse(nodeAnswer).requestId()).isEqualTo(id.toString());
        assertThat(DeviceAmqpMessages.methodResponse(nodeAnswer).status()).isEqualTo(404);
    }

    @Test
    void aMethodAnswerWithoutItsRequestOrStatusIsRefused() {
        Message noId = withBody(new byte[0]);
        noId.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", 200)));
        assertThatThrownBy(() -> DeviceAmqpMessages.methodResponse(noId)).isInstanceOf(HubError.class);
        Message noStatus = withBody(new byte[0]);
        noStatus.setCorrelationId(UUID.randomUUID());
        assertThatThrownBy(() -> DeviceAmqpMessages.methodResponse(noStatus)).isInstanceOf(HubError.class)
                .hasMessageContaining("IoThub-status");
    }
}
