package dev.muster.hub.mqtt;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Topic names of the hub's MQTT surface (reference §10), parsed leniently and built exactly. */
final class HubMqttTopics {
    static final String TWIN_GET = "$iothub/twin/GET/";
    static final String TWIN_PATCH_REPORTED = "$iothub/twin/PATCH/properties/reported/";
    static final String TWIN_RES = "$iothub/twin/res/";
    static final String DESIRED_PATCH_PREFIX = "$iothub/twin/PATCH/properties/desired/";
    static final String METHODS_SUBSCRIPTION_PREFIX = "$iothub/methods/POST/";
    static final String METHOD_RESPONSE_PREFIX = "$iothub/methods/res/";

    private HubMqttTopics() {}

    /** The {@code $rid} of a topic's {@code ?…} part, byte for byte, or null. */
    static String rid(String topic) {
        int q = topic.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String p : topic.substring(q + 1).split("&")) {
            if (p.startsWith("$rid=")) {
                return p.substring(5);
            }
        }
        return null;
    }

    static String twinResponse(int status, String rid) {
        return TWIN_RES + status + "/?$rid=" + rid;
    }

    static String twinResponse(int status, String rid, long version) {
        // $rid before $version: the Java SDK's topic parser assumes this order.
        return TWIN_RES + status + "/?$rid=" + rid + "&$version=" + version;
    }

    static String desiredPatch(long version) {
        return DESIRED_PATCH_PREFIX + "?$version=" + version;
    }

    static String telemetryPrefix(String deviceId) {
        return "devices/" + deviceId + "/messages/events/";
    }

    /** {@code devices/{d}/} or, for a module, {@code devices/{d}/modules/{m}/}: where its own topics start. */
    static String ownPrefix(dev.muster.hub.ConnectionKey key) {
        return "devices/" + key.deviceId() + "/" + (key.moduleId() == null ? "" : "modules/" + key.moduleId() + "/");
    }

    /** Telemetry of a device or module: {@code …/messages/events/} under its own prefix. */
    static String telemetryPrefix(dev.muster.hub.ConnectionKey key) {
        return ownPrefix(key) + "messages/events/";
    }

    /** {@code $iothub/methods/POST/{name}/?$rid={id}}: a direct method for the device. */
    static String methodRequest(String methodName, String requestId) {
        return METHODS_SUBSCRIPTION_PREFIX + methodName + "/?$rid=" + requestId;
    }

    /**
     * The status of a device's method answer {@code $iothub/methods/res/{status}/?$rid={id}}, or null when the topic
     * has no whole-number status.
     */
    static Integer methodResponseStatus(String topic) {
        int end = topic.indexOf('/', METHOD_RESPONSE_PREFIX.length());
        String status = topic.substring(METHOD_RESPONSE_PREFIX.length(), end < 0 ? topic.length() : end);
        try {
            return Integer.valueOf(status);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Message properties from the topic tail {@code k=v&k2=v2}, URL-decoded. */
    static Map<String, String> properties(String tail) {
        Map<String, String> props = new LinkedHashMap<>();
        if (tail == null || tail.isEmpty()) {
            return props;
        }
        for (String p : tail.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq);
            String v = eq < 0 ? "" : p.substring(eq + 1);
            props.put(decode(k), decode(v));
        }
        return props;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
