package dev.muster.hub;

import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message as the hub received it.
 *
 * @param moduleId the module that sent it, null for the device itself
 */
public record TelemetryMessage(String hub, String deviceId, String moduleId, Instant enqueuedTime,
                               Map<String, String> properties, byte[] body) {

    /** A message the device itself sent. */
    public TelemetryMessage(String hub, String deviceId, Instant enqueuedTime, Map<String, String> properties,
                            byte[] body) {
        this(hub, deviceId, null, enqueuedTime, properties, body);
    }
}
