package dev.muster.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One desired-property change of a built-in hub's device or module twin, as pushed to the device or module.
 *
 * @param moduleId the module whose twin changed, or null for the device's own twin
 * @param patch the desired-properties patch including {@code $version}
 */
public record DesiredChange(String hub, String deviceId, String moduleId, long desiredVersion, Instant changedAt,
                            ObjectNode patch) {
    /** A change of the device's own twin. */
    public DesiredChange(String hub, String deviceId, long desiredVersion, Instant changedAt, ObjectNode patch) {
        this(hub, deviceId, null, desiredVersion, changedAt, patch);
    }
}
