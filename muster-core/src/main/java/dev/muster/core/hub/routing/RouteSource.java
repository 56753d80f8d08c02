package dev.muster.core.hub.routing;

import dev.muster.core.hub.events.SystemProperties;
import java.util.Locale;
import java.util.Optional;

/**
 * What a route takes messages from, named as IoT Hub's routing sources are (ARM's {@code RoutingSource}), and the
 * {@code iothub-message-source} value the hub stamps on messages of that source.
 */
public enum RouteSource {
    DEVICE_MESSAGES("DeviceMessages", SystemProperties.SOURCE_TELEMETRY),
    TWIN_CHANGE_EVENTS("TwinChangeEvents", SystemProperties.SOURCE_TWIN_CHANGE),
    DEVICE_LIFECYCLE_EVENTS("DeviceLifecycleEvents", SystemProperties.SOURCE_DEVICE_LIFECYCLE),
    DEVICE_CONNECTION_STATE_EVENTS("DeviceConnectionStateEvents", SystemProperties.SOURCE_DEVICE_CONNECTION_STATE);

    private final String wireName;
    private final String messageSource;

    RouteSource(String wireName, String messageSource) {
        this.wireName = wireName;
        this.messageSource = messageSource;
    }

    /** ARM's name, e.g. {@code DeviceMessages}. */
    public String wireName() {
        return wireName;
    }

    /** The {@code iothub-message-source} of this source's messages, e.g. {@code twinChangeEvents}. */
    public String messageSource() {
        return messageSource;
    }

    /** By ARM's name, ignoring case. */
    public static Optional<RouteSource> named(String name) {
        for (RouteSource s : values()) {
            if (s.wireName.equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The source of a message by its {@code iothub-message-source}: device telemetry when absent (what devices send
     * carries none until the hub stamps it), none when it names something routes do not take.
     */
    public static Optional<RouteSource> ofMessage(String messageSource) {
        if (messageSource == null) {
            return Optional.of(DEVICE_MESSAGES);
        }
        String s = messageSource.toLowerCase(Locale.ROOT);
        if (s.equals("devicemessages")) {
            return Optional.of(DEVICE_MESSAGES);
        }
        for (RouteSource r : values()) {
            if (r.messageSource.equalsIgnoreCase(s)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
