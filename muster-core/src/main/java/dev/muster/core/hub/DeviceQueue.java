package dev.muster.core.hub;

import java.util.Locale;
import java.util.Objects;

/**
 * Whose cloud-to-device queue: a device of a hub, or one of its modules (IoT Hub keeps one queue per device and one
 * per module). The hub is compared case-insensitively (kept lower-cased here), device and module IDs exactly.
 *
 * @param moduleId null for the device's own queue
 */
public record DeviceQueue(String hub, String deviceId, String moduleId) {
    public DeviceQueue {
        hub = Objects.requireNonNull(hub, "hub").toLowerCase(Locale.ROOT);
        Objects.requireNonNull(deviceId, "deviceId");
        if (moduleId != null && moduleId.isEmpty()) {
            moduleId = null;
        }
    }

    public static DeviceQueue device(String hub, String deviceId) {
        return new DeviceQueue(hub, deviceId, null);
    }

    @Override
    public String toString() {
        return hub + "/" + deviceId + (moduleId == null ? "" : "/" + moduleId);
    }
}
