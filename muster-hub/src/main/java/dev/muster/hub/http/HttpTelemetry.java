package dev.muster.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.HubError;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A device's {@code POST …/messages/events} over HTTPS as the messages IoT Hub keeps, in the two forms the SDKs send:
 * one message (its body as sent, its properties as headers) or, with Content-Type {@value #BATCH_CONTENT_TYPE}, a
 * JSON array of {@code {"body":base64,"base64Encoded":true,"properties":{…}}} whose properties are named as the
 * headers are. Header names: {@code iothub-app-{name}} for application properties (JDEV {@code HttpsSingleMessage},
 * NDEV {@code http.ts}); {@code iothub-messageid}, {@code iothub-correlationid}, {@code iothub-userid},
 * {@code iothub-to}, {@code iothub-contenttype}, {@code iothub-contentencoding}, {@code iothub-expiry} (Node) for
 * system properties; {@code iothub-creation-time-utc} (Java) kept as the application property of that name, as the
 * AMQP clients send it. Names compare without case, as HTTP's do.
 */
final class HttpTelemetry {
    static final String BATCH_CONTENT_TYPE = "application/vnd.microsoft.iothub.json";
    private static final String APP_PREFIX = "iothub-app-";
    private static final String TO = "iothub-to";
    private static final String CREATION_TIME = "iothub-creation-time-utc";
    private static final Map<String, String> SYSTEM = Map.of(
            "iothub-messageid", SystemProperties.MESSAGE_ID,
            "iothub-correlationid", SystemProperties.CORRELATION_ID,
            "iothub-userid", SystemProperties.USER_ID,
            "iothub-contenttype", SystemProperties.CONTENT_TYPE,
            "iothub-contentencoding", SystemProperties.CONTENT_ENCODING,
            "iothub-expiry", SystemProperties.ABSOLUTE_EXPIRY_TIME,
            "iothub-interface-id", SystemProperties.INTERFACE_ID);

    private HttpTelemetry() {}

    static boolean isBatch(String contentType) {
        return contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith(BATCH_CONTENT_TYPE);
    }

    /**
     * @param headers the request's headers in order (a name may repeat)
     * @param eventsPath the request's own path ({@code /devices/{d}/messages/events}): the SDKs put it in
     *     {@code iothub-to} as the request's destination, which is no property of the message; a different
     *     {@code iothub-to} (Node also sends the message's {@code to} under that name) is the message's {@code to}
     */
    static EventContent single(Iterable<Map.Entry<String, String>> headers, byte[] body, String eventsPath) {
        return content(headers, body, eventsPath);
    }

    /** @throws HubError 400 ArgumentInvalid for a body that is not such an array */
    static List<EventContent> batch(String json, String eventsPath) {
        JsonNode array;
        try {
            array = Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw HubError.argumentInvalid("A batch of messages must be a JSON array: " + e.getMessage());
        }
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw HubError.argumentInvalid("A batch of messages must be a JSON array of at least one message.");
        }
        List<EventContent> messages = new ArrayList<>(array.size());
        for (JsonNode m : array) {
            if (!m.isObject()) {
                throw HubError.argumentInvalid("Each message of a batch must be a JSON object {\"body\":…}.");
            }
            List<Map.Entry<String, String>> props = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = m.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                props.add(Map.entry(p.getKey(), p.getValue().isTextual() ? p.getValue().asText()
                        : p.getValue().toString()));
            }
            messages.add(content(props, body(m), eventsPath));
        }
        return messages;
    }

    /**
     * A batch message's body: base64 unless {@code base64Encoded} is false. Node sends no {@code base64Encoded} at
     * all, with base64 bodies; that IoT Hub reads a body without the flag as base64 is unconfirmed.
     */
    private static byte[] body(JsonNode m) {
        String text = m.path("body").asText("");
        if (m.has("base64Encoded") && !m.path("base64Encoded").asBoolean(true)) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw HubError.argumentInvalid("A batch message's body is not base64: " + e.getMessage());
        }
    }

    private static EventContent content(Iterable<Map.Entry<String, String>> props, byte[] body, String eventsPath) {
        Map<String, String> app = new LinkedHashMap<>();
        Map<String, String> sys = new LinkedHashMap<>();
        for (Map.Entry<String, String> p : props) {
            String name = p.getKey().toLowerCase(Locale.ROOT);
            String value = p.getValue() == null ? "" : p.getValue();
            if (name.startsWith(APP_PREFIX) && name.length() > APP_PREFIX.length()) {
                app.put(p.getKey().substring(APP_PREFIX.length()), value);
            } else if (name.equals(CREATION_TIME)) {
                app.put(CREATION_TIME, value);
            } else if (name.equals(TO)) {
                if (!samePath(value, eventsPath)) {
                    sys.put(SystemProperties.TO, value);
                }
            } else if (SYSTEM.containsKey(name)) {
                sys.put(SYSTEM.get(name), value);
            }
        }
        return new EventContent(body, app, sys);
    }

    private static boolean samePath(String to, String eventsPath) {
        String a = to.strip();
        String b = eventsPath;
        return (a.startsWith("/") ? a : "/" + a).equalsIgnoreCase(b.startsWith("/") ? b : "/" + b);
    }
}
