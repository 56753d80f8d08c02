package dev.muster.hub.telemetry;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the hub adds to every device-to-cloud message, whatever the transport: the anti-spoofing properties from the
 * connection ({@code iothub-connection-device-id}, {@code -module-id}, {@code -auth-method},
 * {@code -auth-generation-id}), {@code iothub-enqueuedtime} and {@code iothub-message-source}. It also enforces IoT
 * Hub's 256 KB limit, counted as IoT Hub counts it: the body, the values of the sender's system properties, and the
 * names and values of its application properties.
 */
public final class TelemetryStamp {
    /** IoT Hub's largest device-to-cloud message, and largest batch. */
    public static final int MAX_MESSAGE_BYTES = 256 * 1024;

    /**
     * Names only the hub sets. A device's application property of such a name is dropped, so that a reader never
     * sees two values: the stamp is what the connection proved. (Whether IoT Hub drops or refuses them is
     * unconfirmed; it documents them as not user-settable.)
     */
    private static final Set<String> HUB_SET = Set.of(SystemProperties.CONNECTION_DEVICE_ID,
            SystemProperties.CONNECTION_MODULE_ID, SystemProperties.CONNECTION_AUTH_METHOD,
            SystemProperties.CONNECTION_AUTH_GENERATION_ID, SystemProperties.ENQUEUED_TIME,
            SystemProperties.MESSAGE_SOURCE, "iothub-messagelocktoken", "iothub-sequencenumber",
            "iothub-partition-key");

    private TelemetryStamp() {}

    /** @throws HubError 413001 MessageTooLarge over {@link #MAX_MESSAGE_BYTES} */
    public static EventContent stamp(TelemetrySender sender, Instant enqueuedTime, EventContent sent) {
        requireWithinLimit(List.of(sent));
        Map<String, String> app = new LinkedHashMap<>();
        sent.applicationProperties().forEach((k, v) -> {
            if (!HUB_SET.contains(k.toLowerCase(Locale.ROOT))) {
                app.put(k, v);
            }
        });
        Map<String, String> sys = new LinkedHashMap<>();
        sent.systemProperties().forEach((k, v) -> {
            if (!HUB_SET.contains(k.toLowerCase(Locale.ROOT))) {
                sys.put(k, v);
            }
        });
        sys.put(SystemProperties.CONNECTION_DEVICE_ID, sender.key().deviceId());
        if (sender.key().moduleId() != null) {
            sys.put(SystemProperties.CONNECTION_MODULE_ID, sender.key().moduleId());
        }
        sys.put(SystemProperties.CONNECTION_AUTH_METHOD, sender.authMethod());
        if (sender.generationId() != null) {
            sys.put(SystemProperties.CONNECTION_AUTH_GENERATION_ID, sender.generationId());
        }
        sys.put(SystemProperties.ENQUEUED_TIME, enqueuedTime.toString());
        sys.put(SystemProperties.MESSAGE_SOURCE, SystemProperties.SOURCE_TELEMETRY);
        return new EventContent(sent.body(), app, sys);
    }

    /** A message, or a batch, IoT Hub takes: at most {@link #MAX_MESSAGE_BYTES} in all. */
    public static void requireWithinLimit(List<EventContent> messages) {
        long size = 0;
        for (EventContent m : messages) {
            size += size(m);
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw new HubError(HubErrorCode.MESSAGE_TOO_LARGE, (messages.size() == 1 ? "The message is "
                    : "The batch of " + messages.size() + " messages is ") + size
                    + " bytes; IoT Hub takes at most " + MAX_MESSAGE_BYTES + " (body and properties).");
        }
    }

    /** IoT Hub's measure of a message: body, system property values, application property names and values. */
    static long size(EventContent m) {
        long n = m.body().length;
        for (String v : m.systemProperties().values()) {
            n += utf8(v);
        }
        for (Map.Entry<String, String> e : m.applicationProperties().entrySet()) {
            n += utf8(e.getKey()) + utf8(e.getValue());
        }
        return n;
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
