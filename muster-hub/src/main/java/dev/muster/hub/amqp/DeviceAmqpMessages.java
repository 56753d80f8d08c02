package dev.muster.hub.amqp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.HubError;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * The messages of a device's own links (reference §5, §1.3, §2.6) to and from what the hub works with: telemetry in,
 * cloud-to-device messages out, twin requests in and their answers and desired-property pushes out, direct-method
 * requests out and their answers in. Every message the hub sends a device carries its body as a data section: the
 * Java device client casts bodies to {@code Data}.
 */
final class DeviceAmqpMessages {
    static final String METHOD_NAME = "IoThub-methodname";
    static final String METHOD_STATUS = "IoThub-status";
    static final Symbol OPERATION = Symbol.valueOf("operation");
    static final Symbol RESOURCE = Symbol.valueOf("resource");
    static final Symbol STATUS = Symbol.valueOf("status");
    static final Symbol VERSION = Symbol.valueOf("version");
    static final String DESIRED = "/properties/desired";
    /** Message annotations a device may set that the hub keeps with the message (security messages, PnP component). */
    private static final String[] KEPT_ANNOTATIONS = {SystemProperties.INTERFACE_ID, SystemProperties.DT_SUBJECT,
            SystemProperties.DT_DATASCHEMA};

    private DeviceAmqpMessages() {}

    /**
     * A device's telemetry message as it sent it (reference §5): its AMQP properties as the message's system
     * properties (message-id, correlation-id, user-id, to, content-type, content-encoding, absolute-expiry-time), the
     * annotations the SDKs set for security agents and PnP components, its application properties as text. The hub
     * stamps who sent it ({@link dev.muster.hub.telemetry.TelemetryStamp}) and checks its size.
     *
     * @throws HubError 400 when the body is not a data section
     */
    static EventContent telemetry(Message m) {
        byte[] body = C2dAmqpMessages.body(m.getBody());
        Map<String, String> sys = new LinkedHashMap<>();
        Properties p = m.getProperties();
        if (p != null) {
            put(sys, SystemProperties.MESSAGE_ID, C2dAmqpMessages.id(p.getMessageId()));
            put(sys, SystemProperties.CORRELATION_ID, C2dAmqpMessages.id(p.getCorrelationId()));
            put(sys, SystemProperties.USER_ID, p.getUserId() == null ? null
                    : new String(p.getUserId().getArray(), p.getUserId().getArrayOffset(), p.getUserId().getLength(),
                            StandardCharsets.UTF_8));
            put(sys, SystemProperties.TO, p.getTo());
            put(sys, SystemProperties.CONTENT_TYPE, p.getContentType() == null ? null : p.getContentType().toString());
            put(sys, SystemProperties.CONTENT_ENCODING, p.getContentEncoding() == null ? null
                    : p.getContentEncoding().toString());
            put(sys, SystemProperties.ABSOLUTE_EXPIRY_TIME, p.getAbsoluteExpiryTime() == null ? null
                    : p.getAbsoluteExpiryTime().toInstant().toString());
        }
        if (m.getMessageAnnotations() != null && m.getMessageAnnotations().getValue() != null) {
            for (String name : KEPT_ANNOTATIONS) {
                Object v = m.getMessageAnnotations().getValue().get(Symbol.valueOf(name));
                put(sys, name, v == null ? null : v.toString());
            }
        }
        Map<String, String> app = new LinkedHashMap<>();
        if (m.getApplicationProperties() != null && m.getApplicationProperties().getValue() != null) {
            for (Map.Entry<String, Object> e : m.getApplicationProperties().getValue().entrySet()) {
                app.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString());
            }
        }
        return new EventContent(body, app, sys);
    }

    /** A queued cloud-to-device message as the device receives it (§2.6): the sender's properties, a data body. */
    static Message cloudToDevice(CloudToDeviceMessage m) {
        CloudToDeviceContent c = m.content();
        Message out = Message.Factory.create();
        Properties p = new Properties();
        p.setMessageId(c.messageId());
        p.setCorrelationId(c.correlationId());
        p.setTo(c.to() != null ? c.to() : devicebound(m.queue()));
        if (c.userId() != null) {
            p.setUserId(new Binary(c.userId().getBytes(StandardCharsets.UTF_8)));
        }
        p.setContentType(c.contentType() == null ? null : Symbol.valueOf(c.contentType()));
        p.setContentEncoding(c.contentEncoding() == null ? null : Symbol.valueOf(c.contentEncoding()));
        p.setAbsoluteExpiryTime(Date.from(m.expiresAt()));
        p.setCreationTime(Date.from(m.enqueuedAt()));
        out.setProperties(p);
        Header h = new Header();
        h.setDeliveryCount(UnsignedInteger.valueOf(m.deliveryCount()));
        out.setHeader(h);
        out.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(c.properties())));
        out.setBody(data(c.body()));
        return out;
    }

    private static String devicebound(DeviceQueue q) {
        return "/devices/" + q.deviceId() + (q.moduleId() == null ? "" : "/modules/" + q.moduleId())
                + "/messages/devicebound";
    }

    /**
     * One twin request from the device's twin sender link.
     *
     * @param correlationId as the device sent it, AMQP type kept: the answer echoes it (Java sends a uuid and compares
     *     text, Node sends a string and compares with {@code ===})
     */
    record TwinRequest(String operation, String resource, Object correlationId, byte[] body) {}

    static TwinRequest twinRequest(Message m) {
        Map<Symbol, Object> a = m.getMessageAnnotations() == null || m.getMessageAnnotations().getValue() == null
                ? Map.of() : m.getMessageAnnotations().getValue();
        Object operation = a.get(OPERATION);
        Object resource = a.get(RESOURCE);
        if (operation == null) {
            throw HubError.argumentInvalid("A twin request needs the message annotation 'operation'.");
        }
        Object correlationId = m.getProperties() == null ? null : m.getProperties().getCorrelationId();
        return new TwinRequest(operation.toString().toUpperCase(Locale.ROOT), resource == null ? null
                : resource.toString(), correlationId, C2dAmqpMessages.body(m.getBody()));
    }

    /**
     * The answer to a twin request: correlation-id echoed, annotations {@code status} (int) and, when known,
     * {@code version}; the body always a data section (empty for 204; a JSON error for failures: Node parses it).
     */
    static Message twinResponse(Object correlationId, int status, Long version, byte[] body) {
        Message out = Message.Factory.create();
        Properties p = new Properties();
        p.setCorrelationId(correlationId);
        out.setProperties(p);
        Map<Symbol, Object> a = new LinkedHashMap<>();
        a.put(STATUS, status);
        if (version != null) {
            a.put(VERSION, version);
        }
        out.setMessageAnnotations(new MessageAnnotations(a));
        out.setBody(data(body));
        return out;
    }

    /** A twin failure's body: {@code {"errorCode":…,"message":…}}, which Node's twin client JSON-parses. */
    static byte[] twinError(HubError e) {
        ObjectNode o = Json.object();
        o.put("errorCode", e.code().code());
        o.put("message", e.getMessage());
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A desired-properties change pushed on the twin receiver link: no correlation-id (Node tells pushes from answers
     * by it), annotations {@code resource}={@value #DESIRED} and {@code version}, the patch with its {@code $version}.
     */
    static Message desiredPush(ObjectNode patch) {
        Message out = Message.Factory.create();
        Map<Symbol, Object> a = new LinkedHashMap<>();
        a.put(RESOURCE, DESIRED);
        if (patch.has("$version")) {
            a.put(VERSION, patch.get("$version").asLong());
        }
        out.setMessageAnnotations(new MessageAnnotations(a));
        out.setBody(data(Json.write(patch).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    /** A direct-method request (§1.3): correlation-id an AMQP uuid (Java parses it as one), the name as property. */
    static Message methodRequest(UUID correlationId, String methodName, byte[] payload) {
        Message out = Message.Factory.create();
        Properties p = new Properties();
        p.setMessageId(correlationId);
        p.setCorrelationId(correlationId);
        out.setProperties(p);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put(METHOD_NAME, methodName);
        out.setApplicationProperties(new ApplicationProperties(app));
        out.setBody(data(payload));
        return out;
    }

    /** A device's answer to a direct method: which request (uuid as text), the status, the JSON body. */
    record MethodResponse(String requestId, int status, byte[] body) {}

    /** @throws HubError 400 without a correlation-id or a whole-number {@value #METHOD_STATUS} */
    static MethodResponse methodResponse(Message m) {
        String requestId = m.getProperties() == null ? null : C2dAmqpMessages.id(m.getProperties().getCorrelationId());
        if (requestId == null) {
            throw HubError.argumentInvalid("A method response needs the request's correlation-id.");
        }
        Object status = null;
        if (m.getApplicationProperties() != null && m.getApplicationProperties().getValue() != null) {
            for (Map.Entry<String, Object> e : m.getApplicationProperties().getValue().entrySet()) {
                if (e.getKey().equalsIgnoreCase(METHOD_STATUS)) {
                    status = e.getValue();
                }
            }
        }
        int code;
        try {
            code = status instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(status).strip());
        } catch (NumberFormatException e) {
            throw HubError.argumentInvalid("A method response needs a whole-number application property "
                    + METHOD_STATUS + ", not '" + status + "'.");
        }
        return new MethodResponse(requestId.toLowerCase(Locale.ROOT), code, C2dAmqpMessages.body(m.getBody()));
    }

    private static Data data(byte[] body) {
        return new Data(new Binary(body == null ? new byte[0] : body));
    }

    private static void put(Map<String, String> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
