package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.ConnectionKey;

/**
 * The address of one of a device's own links (reference §5): {@code /devices/{d}/messages/events} (telemetry),
 * {@code /devices/{d}/messages/devicebound} (cloud-to-device), {@code /devices/{d}/twin},
 * {@code /devices/{d}/methods/devicebound}, each also under {@code /devices/{d}/modules/{m}/…}. The fixed words
 * compare without case (the docs spell {@code deviceBound}); IDs are taken as the SDKs send them, unencoded.
 *
 * @param moduleId null for the device itself
 */
record DeviceLinkAddress(Kind kind, String deviceId, String moduleId) {
    enum Kind { TELEMETRY, CLOUD_TO_DEVICE, TWIN, METHODS }

    /** The address parsed, or null when it is not a device's link address. */
    static DeviceLinkAddress parse(String address) {
        if (address == null) {
            return null;
        }
        String[] s = (address.startsWith("/") ? address.substring(1) : address).split("/", -1);
        if (s.length < 3 || !s[0].equalsIgnoreCase("devices") || s[1].isEmpty()) {
            return null;
        }
        String moduleId = null;
        int rest = 2;
        if (s.length >= 5 && s[2].equalsIgnoreCase("modules")) {
            moduleId = s[3];
            rest = 4;
            if (moduleId.isEmpty()) {
                return null;
            }
        }
        Kind kind = kind(s, rest);
        return kind == null ? null : new DeviceLinkAddress(kind, s[1], moduleId);
    }

    private static Kind kind(String[] s, int from) {
        int n = s.length - from;
        if (n == 1 && s[from].equalsIgnoreCase("twin")) {
            return Kind.TWIN;
        }
        if (n != 2) {
            return null;
        }
        String a = s[from];
        String b = s[from + 1];
        if (a.equalsIgnoreCase("messages") && b.equalsIgnoreCase("events")) {
            return Kind.TELEMETRY;
        }
        if (a.equalsIgnoreCase("messages") && b.equalsIgnoreCase("devicebound")) {
            return Kind.CLOUD_TO_DEVICE;
        }
        if (a.equalsIgnoreCase("methods") && b.equalsIgnoreCase("devicebound")) {
            return Kind.METHODS;
        }
        return null;
    }

    ConnectionKey key(String hub) {
        return new ConnectionKey(hub, deviceId, moduleId);
    }

    DeviceQueue queue(String hub) {
        return new DeviceQueue(hub, deviceId, moduleId);
    }
}
