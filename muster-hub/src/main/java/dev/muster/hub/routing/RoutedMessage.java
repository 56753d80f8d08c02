package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What route conditions read of one message: its application and system properties by the names the routing
 * language uses, and its body as JSON — parsed once, and only when the message says it is JSON in a UTF encoding,
 * as IoT Hub requires ({@code contentType} application/json, {@code contentEncoding} UTF-8, UTF-16 or UTF-32).
 */
final class RoutedMessage {
    /** The routing language's names of the system properties, to the names the hub stores them under. */
    private static final Map<String, String> SYSTEM_NAMES = Map.ofEntries(
            Map.entry("contenttype", SystemProperties.CONTENT_TYPE),
            Map.entry("contentencoding", SystemProperties.CONTENT_ENCODING),
            Map.entry("connectiondeviceid", SystemProperties.CONNECTION_DEVICE_ID),
            Map.entry("connectionmoduleid", SystemProperties.CONNECTION_MODULE_ID),
            Map.entry("connectionauthmethod", SystemProperties.CONNECTION_AUTH_METHOD),
            Map.entry("messageid", SystemProperties.MESSAGE_ID),
            Map.entry("correlationid", SystemProperties.CORRELATION_ID),
            Map.entry("userid", SystemProperties.USER_ID),
            Map.entry("to", SystemProperties.TO),
            Map.entry("expirytimeutc", SystemProperties.ABSOLUTE_EXPIRY_TIME));
    /**
     * Properties of twin-change and lifecycle events that Azure delivers as application properties but this hub keeps
     * among the system properties: a condition naming them as application properties still finds them.
     */
    private static final Set<String> EVENT_IDENTITY = Set.of(SystemProperties.OPERATION_TYPE,
            SystemProperties.HUB_NAME, SystemProperties.DEVICE_ID, SystemProperties.MODULE_ID,
            SystemProperties.OPERATION_TIMESTAMP, "iothub-message-schema");
    private static final Map<String, Charset> ENCODINGS = Map.of("utf-8", StandardCharsets.UTF_8,
            "utf-16", StandardCharsets.UTF_16, "utf-32", Charset.forName("UTF-32"));

    private final EventContent content;
    private JsonNode body;
    private boolean bodyRead;

    RoutedMessage(EventContent content) {
        this.content = content;
    }

    EventContent content() {
        return content;
    }

    /** An application property: exact name first, else ignoring case (IoT Hub's names are case-insensitive). */
    String applicationProperty(String name) {
        String v = lookup(content.applicationProperties(), name);
        if (v == null && EVENT_IDENTITY.stream().anyMatch(name::equalsIgnoreCase)) {
            v = lookup(content.systemProperties(), name);
        }
        return v;
    }

    /** A system property by its routing name ({@code contentType}) or its stored name ({@code iothub-enqueuedtime}). */
    String systemProperty(String name) {
        return lookup(content.systemProperties(), storedName(name));
    }

    /** The name the hub stores a system property under, given its routing name ({@code contentType}) or that name. */
    static String storedName(String name) {
        String stored = SYSTEM_NAMES.get(name.toLowerCase(Locale.ROOT));
        return stored != null ? stored : name;
    }

    /** The body as JSON, or null (undefined) when it is not declared JSON in a UTF encoding, or does not parse. */
    JsonNode body() {
        if (!bodyRead) {
            bodyRead = true;
            body = parseBody();
        }
        return body;
    }

    private JsonNode parseBody() {
        String type = systemProperty("contentType");
        String encoding = systemProperty("contentEncoding");
        if (type == null || encoding == null) {
            return null;
        }
        String mediaType = type.split(";", 2)[0].strip();
        Charset charset = ENCODINGS.get(encoding.strip().toLowerCase(Locale.ROOT));
        if (!mediaType.equalsIgnoreCase("application/json") || charset == null) {
            return null;
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(new String(content.body(), charset));
            return parsed == null || parsed.isMissingNode() ? null : parsed;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String lookup(Map<String, String> properties, String name) {
        String exact = properties.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
