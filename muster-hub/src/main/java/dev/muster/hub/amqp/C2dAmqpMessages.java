package dev.muster.hub.amqp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackRecord;
import dev.muster.hub.HubError;
import dev.muster.hub.c2d.FeedbackBatch;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * Cloud-to-device messages between AMQP and the hub's queue: what a service sends on {@code /messages/devicebound}
 * (reference §2.3) becomes queue content, and a batch of feedback records becomes the message a service receives on
 * {@code /messages/servicebound/feedback} (§2.4).
 */
public final class C2dAmqpMessages {
    public static final String ACK = "iothub-ack";
    public static final String FEEDBACK_CONTENT_TYPE = "application/vnd.microsoft.iothub.feedback.json";

    private C2dAmqpMessages() {}

    /** A message as the service sent it: to whom, what, until when (null = the hub's default time to live). */
    public record Outgoing(DeviceQueue queue, CloudToDeviceContent content, Instant absoluteExpiry) {}

    /** @throws HubError 400 when {@code to} names no device's devicebound address */
    public static Outgoing outgoing(String hub, Message m) {
        Properties p = m.getProperties();
        String to = p == null ? null : p.getTo();
        DeviceQueue queue = queueOf(hub, to);
        Map<String, String> properties = new LinkedHashMap<>();
        String ack = null;
        ApplicationProperties app = m.getApplicationProperties();
        if (app != null && app.getValue() != null) {
            for (Map.Entry<String, Object> e : app.getValue().entrySet()) {
                String value = e.getValue() == null ? null : e.getValue().toString();
                if (ACK.equalsIgnoreCase(e.getKey())) {
                    ack = value;
                } else {
                    properties.put(e.getKey(), value);
                }
            }
        }
        CloudToDeviceContent content = new CloudToDeviceContent(id(p == null ? null : p.getMessageId()),
                id(p == null ? null : p.getCorrelationId()),
                p == null || p.getUserId() == null ? null : utf8(p.getUserId()), to,
                p == null || p.getContentType() == null ? null : p.getContentType().toString(),
                p == null || p.getContentEncoding() == null ? null : p.getContentEncoding().toString(),
                ack, properties, body(m.getBody()));
        Instant expiry = p == null || p.getAbsoluteExpiryTime() == null ? null : p.getAbsoluteExpiryTime().toInstant();
        return new Outgoing(queue, content, expiry);
    }

    /** {@code /devices/{id}/messages/devicebound} or {@code /devices/{id}/modules/{m}/messages/devicebound}. */
    static DeviceQueue queueOf(String hub, String to) {
        if (to == null) {
            throw HubError.argumentInvalid("The message has no 'to' property; set it to"
                    + " /devices/{deviceId}/messages/devicebound.");
        }
        String[] s = (to.startsWith("/") ? to.substring(1) : to).split("/", -1);
        boolean device = s.length == 4 && s[0].equals("devices") && s[2].equals("messages")
                && s[3].equalsIgnoreCase("devicebound");
        boolean module = s.length == 6 && s[0].equals("devices") && s[2].equals("modules") && s[4].equals("messages")
                && s[5].equalsIgnoreCase("devicebound");
        if ((!device && !module) || s[1].isEmpty() || (module && s[3].isEmpty())) {
            throw HubError.argumentInvalid("'to' must be /devices/{deviceId}/messages/devicebound or"
                    + " /devices/{deviceId}/modules/{moduleId}/messages/devicebound, not '" + to + "'.");
        }
        return new DeviceQueue(hub, decode(s[1]), module ? decode(s[3]) : null);
    }

    /** Message and correlation ids as text: strings as they are, AMQP uuids in canonical form. */
    static String id(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof Binary b) {
            return utf8(b);
        }
        return id instanceof UUID u ? u.toString() : id.toString();
    }

    static byte[] body(Section body) {
        Binary b = null;
        if (body instanceof Data d) {
            b = d.getValue();
        } else if (body instanceof AmqpValue v && v.getValue() instanceof Binary bin) {
            b = bin;
        } else if (body instanceof AmqpValue v && v.getValue() instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        } else if (body != null && !(body instanceof AmqpValue v && v.getValue() == null)) {
            throw HubError.argumentInvalid("The message body must be a data section.");
        }
        if (b == null) {
            return new byte[0];
        }
        byte[] out = new byte[b.getLength()];
        System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
        return out;
    }

    /**
     * A feedback batch as Azure sends it: one data section holding the JSON array of records, content type
     * {@value #FEEDBACK_CONTENT_TYPE}, user-id the hub's name (the Java client reads only data bodies).
     */
    public static Message feedback(FeedbackBatch batch) {
        ArrayNode records = Json.MAPPER.createArrayNode();
        for (FeedbackRecord r : batch.records()) {
            ObjectNode o = records.addObject();
            o.put("originalMessageId", r.originalMessageId());
            o.put("enqueuedTimeUtc", r.enqueuedTimeUtc().toString());
            o.put("statusCode", r.statusCode());
            o.put("description", r.description());
            o.put("deviceId", r.deviceId());
            o.put("deviceGenerationId", r.deviceGenerationId());
        }
        Message m = Message.Factory.create();
        m.setMessageId(UUID.randomUUID().toString());
        m.setContentType(FEEDBACK_CONTENT_TYPE);
        m.setUserId(hubName(batch.hub()).getBytes(StandardCharsets.UTF_8));
        m.setBody(new Data(new Binary(Json.write(records).getBytes(StandardCharsets.UTF_8))));
        return m;
    }

    /** The hub's name: its host name up to the first dot, as IoT Hub names itself. */
    static String hubName(String host) {
        int dot = host.indexOf('.');
        return dot > 0 ? host.substring(0, dot) : host;
    }

    private static String utf8(Binary b) {
        return new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
