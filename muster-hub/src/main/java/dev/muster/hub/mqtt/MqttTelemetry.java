package dev.muster.hub.mqtt;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A telemetry PUBLISH ({@code devices/{d}/messages/events/{bag}} or {@code devices/{d}/modules/{m}/messages/events/{bag}})
 * as the message IoT Hub keeps. The bag is {@code &}-separated {@code key=value} pairs, URL-encoded: the Java SDK
 * sends system keys as {@code $.mid} and adds a trailing {@code /} for modules, Node encodes the {@code $} as
 * {@code %24}. System keys map to the message's system properties; every other key, unknown {@code $.} keys included
 * (IoT Hub passes {@code $.cdid} through as an application property), is an application property.
 */
final class MqttTelemetry {
    /** Bag keys of system properties (DOC-MQTT, JDEV {@code Mqtt}, NDEV {@code mqtt.ts}) and where each goes. */
    private static final Map<String, String> SYSTEM_KEYS = Map.of(
            "$.mid", SystemProperties.MESSAGE_ID,
            "$.cid", SystemProperties.CORRELATION_ID,
            "$.uid", SystemProperties.USER_ID,
            "$.to", SystemProperties.TO,
            "$.ct", SystemProperties.CONTENT_TYPE,
            "$.ce", SystemProperties.CONTENT_ENCODING,
            "$.exp", SystemProperties.ABSOLUTE_EXPIRY_TIME,
            "$.sub", SystemProperties.DT_SUBJECT,
            "$.ifid", SystemProperties.INTERFACE_ID);
    /**
     * The Java SDK's creation time. It becomes the {@code iothub-creation-time-utc} application property, the name
     * the AMQP and HTTPS clients send it under (that IoT Hub renames {@code $.ctime} this way is unconfirmed).
     */
    static final String CREATION_TIME_KEY = "$.ctime";
    static final String CREATION_TIME_PROPERTY = "iothub-creation-time-utc";

    private MqttTelemetry() {}

    /** @param bag the topic after {@code …/messages/events/}, possibly empty */
    static EventContent content(String bag, byte[] payload) {
        Map<String, String> app = new LinkedHashMap<>();
        Map<String, String> sys = new LinkedHashMap<>();
        HubMqttTopics.properties(strip(bag)).forEach((key, value) -> {
            String system = SYSTEM_KEYS.get(key);
            if (system != null) {
                sys.put(system, value);
            } else if (key.equals(CREATION_TIME_KEY)) {
                app.put(CREATION_TIME_PROPERTY, value);
            } else if (!key.isEmpty()) {
                app.put(key, value);
            }
        });
        return new EventContent(payload, app, sys);
    }

    /** The Java module client ends the topic with {@code /}; some clients put {@code ?} before the bag. */
    private static String strip(String bag) {
        String b = bag == null ? "" : bag;
        if (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (b.startsWith("?")) {
            b = b.substring(1);
        }
        return b;
    }
}
