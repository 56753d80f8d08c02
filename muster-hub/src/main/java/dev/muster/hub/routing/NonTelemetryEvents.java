package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.RouteSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages IoT Hub produces itself, as its non-telemetry event schemas describe them: JSON bodies in UTF-8
 * (so routes can query {@code $body}), {@code opType}, {@code hubName}, {@code deviceId}, {@code moduleId},
 * {@code operationTimestamp}, {@code iothub-message-schema} and {@code iothub-message-source}.
 */
public final class NonTelemetryEvents {
    static final String MESSAGE_SCHEMA = "iothub-message-schema";
    public static final String UPDATE_TWIN = "updateTwin";
    public static final String REPLACE_TWIN = "replaceTwin";
    public static final String CREATE_IDENTITY = "createDeviceIdentity";
    public static final String DELETE_IDENTITY = "deleteDeviceIdentity";
    public static final String CONNECTED = "deviceConnected";
    public static final String DISCONNECTED = "deviceDisconnected";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private NonTelemetryEvents() {}

    /**
     * A twin change: {@code {"version":n,"tags":{..},"properties":{"desired":{..,"$version":d}}}} with only the parts
     * that changed (IoT Hub's twinChangeNotification).
     */
    public static EventContent twinChange(String hub, String deviceId, String moduleId, String opType,
                                          ObjectNode body, Instant at) {
        return event(hub, deviceId, moduleId, opType, RouteSource.TWIN_CHANGE_EVENTS, "twinChangeNotification",
                body, at);
    }

    /** A device or module identity created or deleted: the body is its twin (IoT Hub's deviceLifecycleNotification). */
    public static EventContent lifecycle(String hub, String deviceId, String moduleId, String opType, ObjectNode twin,
                                         Instant at) {
        return event(hub, deviceId, moduleId, opType, RouteSource.DEVICE_LIFECYCLE_EVENTS,
                "deviceLifecycleNotification", twin, at);
    }

    /**
     * A device or module connected or disconnected: {@code {"sequenceNumber":"…"}}, a 64-digit hexadecimal value
     * that grows with every event, so a reader can order a device's connect and disconnect as IoT Hub's docs advise.
     */
    public static EventContent connectionState(String hub, String deviceId, String moduleId, boolean connected,
                                               Instant at) {
        long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
        String sequence = String.format("%032X%032X", micros, SEQUENCE.incrementAndGet());
        ObjectNode body = Json.object().put("sequenceNumber", sequence);
        return event(hub, deviceId, moduleId, connected ? CONNECTED : DISCONNECTED,
                RouteSource.DEVICE_CONNECTION_STATE_EVENTS, "deviceConnectionStateNotification", body, at);
    }

    private static EventContent event(String hub, String deviceId, String moduleId, String opType,
                                      RouteSource source, String schema, ObjectNode body, Instant at) {
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put(SystemProperties.CONTENT_TYPE, "application/json");
        sys.put(SystemProperties.CONTENT_ENCODING, "utf-8");
        sys.put(SystemProperties.MESSAGE_SOURCE, source.messageSource());
        sys.put(SystemProperties.ENQUEUED_TIME, at.toString());
        sys.put(SystemProperties.CONNECTION_DEVICE_ID, deviceId);
        if (moduleId != null) {
            sys.put(SystemProperties.CONNECTION_MODULE_ID, moduleId);
        }
        sys.put(SystemProperties.HUB_NAME, hubName(hub));
        sys.put(SystemProperties.DEVICE_ID, deviceId);
        if (moduleId != null) {
            sys.put(SystemProperties.MODULE_ID, moduleId);
        }
        sys.put(SystemProperties.OPERATION_TYPE, opType);
        sys.put(SystemProperties.OPERATION_TIMESTAMP, at.toString());
        sys.put(MESSAGE_SCHEMA, schema);
        return new EventContent(Json.write(body).getBytes(StandardCharsets.UTF_8), Map.of(), sys);
    }

    /** IoT Hub's hubName is the hub's name, the first label of its host name. */
    private static String hubName(String hub) {
        int dot = hub.indexOf('.');
        return dot > 0 && !Character.isDigit(hub.charAt(0)) ? hub.substring(0, dot) : hub;
    }
}
