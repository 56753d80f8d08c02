package dev.muster.hub;

import dev.muster.core.hub.events.EventContent;
import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message as the hub took it in: stamped (see {@link dev.muster.hub.telemetry.TelemetryStamp})
 * and durable.
 *
 * @param moduleId the module that sent it, null for the device itself
 */
public record TelemetryMessage(String hub, String deviceId, String moduleId, Instant enqueuedTime,
                               EventContent content) {

    public byte[] body() {
        return content.body();
    }

    /** The sender's application properties. */
    public Map<String, String> properties() {
        return content.applicationProperties();
    }

    /** The sender's system properties and the hub's stamps. */
    public Map<String, String> systemProperties() {
        return content.systemProperties();
    }
}
