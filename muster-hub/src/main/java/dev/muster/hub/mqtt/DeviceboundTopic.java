package dev.muster.hub.mqtt;

import dev.muster.core.hub.CloudToDeviceContent;
import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MQTT side of cloud-to-device messages (reference §2.5): which subscriptions ask for them, and the topic a message
 * is published on, {@code devices/{id}[/modules/{m}]/messages/devicebound/{property bag}}. The bag starts with the
 * system properties ({@code %24.mid}, {@code %24.cid}, {@code %24.uid}, {@code %24.to}, {@code %24.exp},
 * {@code %24.ct}, {@code %24.ce}) followed by the application properties, each key and value percent-encoded with
 * {@code /} and {@code $} encoded too: the Java SDK reads properties only from the first {@code %24} onwards, and the
 * Node SDK splits the topic on {@code /}.
 */
public final class DeviceboundTopic {
    private static final String SUFFIX = "/messages/devicebound/";

    private DeviceboundTopic() {}

    /** The queue a subscription filter asks for, or null when it is no devicebound subscription. */
    public static DeviceQueue subscribedQueue(String hub, String filter) {
        if (filter == null || !filter.startsWith("devices/") || !filter.endsWith(SUFFIX + "#")) {
            return null;
        }
        String[] path = filter.substring(0, filter.length() - SUFFIX.length() - 1).split("/");
        if (path.length == 2 && !path[1].isEmpty()) {
            return new DeviceQueue(hub, path[1], null);
        }
        if (path.length == 4 && path[2].equals("modules") && !path[1].isEmpty() && !path[3].isEmpty()) {
            return new DeviceQueue(hub, path[1], path[3]);
        }
        return null;
    }

    public static String of(CloudToDeviceMessage m) {
        DeviceQueue q = m.queue();
        CloudToDeviceContent c = m.content();
        StringBuilder topic = new StringBuilder("devices/").append(q.deviceId());
        if (q.moduleId() != null) {
            topic.append("/modules/").append(q.moduleId());
        }
        topic.append(SUFFIX);
        List<String> bag = new ArrayList<>();
        add(bag, "$.mid", c.messageId());
        add(bag, "$.cid", c.correlationId());
        add(bag, "$.uid", c.userId());
        add(bag, "$.to", c.to() != null ? c.to() : "/devices/" + q.deviceId()
                + (q.moduleId() == null ? "" : "/modules/" + q.moduleId()) + "/messages/devicebound");
        add(bag, "$.exp", DateTimeFormatter.ISO_INSTANT.format(m.expiresAt()));
        add(bag, "$.ct", c.contentType());
        add(bag, "$.ce", c.contentEncoding());
        for (Map.Entry<String, String> p : c.properties().entrySet()) {
            bag.add(p.getValue() == null ? encode(p.getKey()) : encode(p.getKey()) + "=" + encode(p.getValue()));
        }
        return topic.append(String.join("&", bag)).toString();
    }

    private static void add(List<String> bag, String key, String value) {
        if (value != null) {
            bag.add(encode(key) + "=" + encode(value));
        }
    }

    /** Percent-encoding with spaces as %20 (the Node SDK's decodeURIComponent leaves a '+' as it is). */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
