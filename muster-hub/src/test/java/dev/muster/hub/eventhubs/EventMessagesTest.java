package dev.muster.hub.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.PartitionState;
import dev.muster.core.hub.events.SystemProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class EventMessagesTest {
    private static final Instant ENQUEUED = Instant.parse("2026-03-01T10:00:00.123Z");

    private static Message message(Map<String, String> app, Map<String, String> sys) {
        return EventMessages.toMessage(new HubEvent(2, 41, ENQUEUED,
                new EventContent("{\"t\":1}".getBytes(StandardCharsets.UTF_8), app, sys)));
    }

    private static Object annotation(Message m, String name) {
        return m.getMessageAnnotations().getValue().get(Symbol.valueOf(name));
    }

    @Test
    void theBodyIsOneDataSectionWithTheBytesUnchanged() {
        Message m = message(Map.of(), Map.of());
        assertThat(m.getBody()).isInstanceOf(Data.class);
        assertThat(((Data) m.getBody()).getValue()).isEqualTo(new Binary("{\"t\":1}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void streamPositionsAreAnnotationsTypedAsEventHubsSendsThem() {
        Message m = message(Map.of(), Map.of());
        assertThat(annotation(m, "x-opt-sequence-number")).isEqualTo(41L);
        assertThat(annotation(m, "x-opt-offset")).isEqualTo("41");
        assertThat(annotation(m, "x-opt-enqueued-time")).isEqualTo(Date.from(ENQUEUED));
        assertThat(annotation(m, "iothub-enqueuedtime")).as("stamped when the event has none")
                .isEqualTo(Date.from(ENQUEUED));
    }

    @Test
    void senderPropertiesGoToThePropertiesSectionAndIotHubOnesToAnnotations() {
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put(SystemProperties.MESSAGE_ID, "m1");
        sys.put(SystemProperties.CORRELATION_ID, "c1");
        sys.put(SystemProperties.USER_ID, "u1");
        sys.put(SystemProperties.CONTENT_TYPE, "application/json");
        sys.put(SystemProperties.CONTENT_ENCODING, "utf-8");
        sys.put(SystemProperties.ABSOLUTE_EXPIRY_TIME, "2026-03-02T00:00:00Z");
        sys.put(SystemProperties.CONNECTION_DEVICE_ID, "d1");
        sys.put(SystemProperties.CONNECTION_AUTH_GENERATION_ID, "637");
        sys.put(SystemProperties.ENQUEUED_TIME, "2026-03-01T09:59:59.900Z");
        sys.put(SystemProperties.MESSAGE_SOURCE, SystemProperties.SOURCE_TWIN_CHANGE);
        sys.put(SystemProperties.OPERATION_TYPE, "updateTwin");
        Message m = message(Map.of("kind", "alarm"), sys);

        assertThat(m.getMessageId()).isEqualTo("m1");
        assertThat(m.getCorrelationId()).isEqualTo("c1");
        assertThat(m.getUserId()).isEqualTo("u1".getBytes(StandardCharsets.UTF_8));
        assertThat(m.getContentType()).isEqualTo("application/json");
        assertThat(m.getContentEncoding()).isEqualTo("utf-8");
        assertThat(m.getExpiryTime()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z").toEpochMilli());
        assertThat(annotation(m, "iothub-connection-device-id")).isEqualTo("d1");
        assertThat(annotation(m, "iothub-connection-auth-generation-id")).isEqualTo("637");
        assertThat(annotation(m, "iothub-enqueuedtime")).isEqualTo(Date.from(Instant.parse("2026-03-01T09:59:59.900Z")));
        assertThat(annotation(m, "iothub-message-source")).isEqualTo("twinChangeEvents");
        assertThat(m.getApplicationProperties().getValue()).containsEntry("kind", "alarm")
                .containsEntry("opType", "updateTwin");
    }

    @Test
    void theRuntimeMetricDescribesTheLastEnqueuedEvent() {
        Instant now = Instant.parse("2026-03-01T10:00:05Z");
        Map<Symbol, Object> a = EventMessages.lastEnqueued(new PartitionState(2, 0, 41, ENQUEUED, false), now)
                .getValue();
        assertThat(a).containsEntry(Symbol.valueOf("last_enqueued_sequence_number"), 41L)
                .containsEntry(Symbol.valueOf("last_enqueued_offset"), "41")
                .containsEntry(Symbol.valueOf("last_enqueued_time_utc"), Date.from(ENQUEUED))
                .containsEntry(Symbol.valueOf("runtime_info_retrieval_time_utc"), Date.from(now));
    }
}
