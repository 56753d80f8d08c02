package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.PartitionState;
import dev.muster.core.hub.events.SystemProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * An event as Event Hubs delivers it (reference §6.4): the body's bytes unchanged in one data section; the sender's
 * message-id, correlation-id, user-id, to, content-type, content-encoding and absolute-expiry-time in the properties
 * section; its application properties as they came; and as message annotations {@code x-opt-sequence-number} (long),
 * {@code x-opt-offset} (decimal text), {@code x-opt-enqueued-time} (timestamp) and the {@code iothub-*} system
 * properties IoT Hub stamps, which both SDKs expose as {@code systemProperties} (Java's {@code SystemProperties} holds
 * every message annotation; JS's {@code systemProperties} every annotation that is not an {@code x-opt-} one).
 */
final class EventMessages {
    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");
    static final Symbol LAST_SEQUENCE = Symbol.valueOf("last_enqueued_sequence_number");
    static final Symbol LAST_OFFSET = Symbol.valueOf("last_enqueued_offset");
    static final Symbol LAST_TIME = Symbol.valueOf("last_enqueued_time_utc");
    static final Symbol RETRIEVAL_TIME = Symbol.valueOf("runtime_info_retrieval_time_utc");
    /** IoT Hub puts these in annotations as timestamps, not text (unconfirmed for auth-generation-id: text). */
    private static final Set<String> TIMESTAMPS = Set.of(SystemProperties.ENQUEUED_TIME);
    /** System properties IoT Hub delivers as application properties of twin-change and lifecycle events (unconfirmed). */
    private static final Set<String> AS_APPLICATION = Set.of(SystemProperties.OPERATION_TYPE,
            SystemProperties.HUB_NAME, SystemProperties.DEVICE_ID, SystemProperties.MODULE_ID,
            SystemProperties.OPERATION_TIMESTAMP, "iothub-message-schema");

    private EventMessages() {}

    static Message toMessage(HubEvent event) {
        EventContent content = event.content();
        Map<String, String> sys = content.systemProperties();
        Message m = Message.Factory.create();
        m.setBody(new Data(new Binary(content.body())));
        m.setProperties(properties(sys));
        Map<String, Object> app = new LinkedHashMap<>(content.applicationProperties());
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(SEQUENCE_NUMBER, event.sequence());
        annotations.put(OFFSET, event.offset());
        annotations.put(ENQUEUED_TIME, Date.from(event.enqueuedTime()));
        for (Map.Entry<String, String> e : sys.entrySet()) {
            String name = e.getKey();
            if (AS_APPLICATION.contains(name)) {
                app.putIfAbsent(name, e.getValue());
            } else if (name.startsWith("iothub-") && e.getValue() != null) {
                annotations.put(Symbol.valueOf(name), TIMESTAMPS.contains(name) ? timestamp(e.getValue()) : e.getValue());
            }
        }
        // IoT Hub stamps its enqueued time on everything it routes; events stored without it carry the stream's.
        annotations.putIfAbsent(Symbol.valueOf(SystemProperties.ENQUEUED_TIME), Date.from(event.enqueuedTime()));
        m.setMessageAnnotations(new MessageAnnotations(annotations));
        if (!app.isEmpty()) {
            m.setApplicationProperties(new ApplicationProperties(app));
        }
        return m;
    }

    private static Properties properties(Map<String, String> sys) {
        Properties p = new Properties();
        p.setMessageId(sys.get(SystemProperties.MESSAGE_ID));
        p.setCorrelationId(sys.get(SystemProperties.CORRELATION_ID));
        String userId = sys.get(SystemProperties.USER_ID);
        if (userId != null) {
            p.setUserId(new Binary(userId.getBytes(StandardCharsets.UTF_8)));
        }
        p.setTo(sys.get(SystemProperties.TO));
        String contentType = sys.get(SystemProperties.CONTENT_TYPE);
        if (contentType != null) {
            p.setContentType(Symbol.valueOf(contentType));
        }
        String contentEncoding = sys.get(SystemProperties.CONTENT_ENCODING);
        if (contentEncoding != null) {
            p.setContentEncoding(Symbol.valueOf(contentEncoding));
        }
        String expiry = sys.get(SystemProperties.ABSOLUTE_EXPIRY_TIME);
        if (expiry != null) {
            Object t = timestamp(expiry);
            if (t instanceof Date d) {
                p.setAbsoluteExpiryTime(d);
            }
        }
        return p;
    }

    /** ISO-8601 text as an AMQP timestamp; text that is no instant stays text rather than being lost. */
    private static Object timestamp(String iso) {
        try {
            return Date.from(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** The delivery annotations a receiver asking for {@code enable-receiver-runtime-metric} gets on each event. */
    static DeliveryAnnotations lastEnqueued(PartitionState state, Instant now) {
        Map<Symbol, Object> a = new LinkedHashMap<>();
        a.put(LAST_SEQUENCE, state.lastSequence());
        a.put(LAST_OFFSET, Long.toString(state.lastSequence()));
        a.put(LAST_TIME, Date.from(lastEnqueuedTime(state)));
        a.put(RETRIEVAL_TIME, Date.from(now));
        return new DeliveryAnnotations(a);
    }

    /** Never-enqueued partitions report the Unix epoch (unconfirmed: what Azure sends for an empty partition). */
    static Instant lastEnqueuedTime(PartitionState state) {
        return state.lastEnqueuedTime() == null ? Instant.EPOCH : state.lastEnqueuedTime();
    }
}
