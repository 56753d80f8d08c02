package dev.muster.hub;

import java.util.Locale;

/**
 * Who is connected: a device of a hub, or one of its modules. Hub host names compare without case, device and module
 * IDs with case (as IoT Hub's).
 *
 * @param moduleId null for the device itself
 */
public record ConnectionKey(String hub, String deviceId, String moduleId) {
    public ConnectionKey {
        hub = hub.toLowerCase(Locale.ROOT);
    }

    public static ConnectionKey device(String hub, String deviceId) {
        return new ConnectionKey(hub, deviceId, null);
    }

    public boolean isModule() {
        return moduleId != null;
    }

    /** {@code deviceId} or {@code deviceId/moduleId}, as IoT Hub names a connection in its logs and client IDs. */
    public String clientId() {
        return moduleId == null ? deviceId : deviceId + "/" + moduleId;
    }

    @Override
    public String toString() {
        return hub + "/" + clientId();
    }
}
