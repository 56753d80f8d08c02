package dev.muster.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One desired-property change of a built-in hub's device twin, as pushed to the device.
 *
 * @param patch the desired-properties patch including {@code $version}
 */
public record DesiredChange(String hub, String deviceId, long desiredVersion, Instant changedAt, ObjectNode patch) {
}
