package dev.muster.core.hub;

import dev.muster.core.enrollment.DeviceCapabilities;

/** A device identity in a hub's registry (IoT Hub registry API model). */
public record HubDevice(String deviceId, String generationId, String etag, String status, String statusReason,
                        String connectionState, String statusUpdatedTime, String lastActivityTime,
                        Integer cloudToDeviceMessageCount, AuthenticationMechanism authentication,
                        DeviceCapabilities capabilities) {

    public static HubDevice of(String deviceId, AuthenticationMechanism authentication, DeviceCapabilities capabilities) {
        return new HubDevice(deviceId, null, null, "enabled", null, null, null, null, null, authentication, capabilities);
    }

    public boolean isEnabled() {
        return !"disabled".equalsIgnoreCase(status);
    }

    public HubDevice withServerFields(String generationId, String etag, String status, String statusUpdatedTime,
                                      AuthenticationMechanism authentication, DeviceCapabilities capabilities) {
        return new HubDevice(deviceId, generationId, etag, status, statusReason,
                connectionState == null ? "Disconnected" : connectionState, statusUpdatedTime,
                lastActivityTime == null ? "0001-01-01T00:00:00Z" : lastActivityTime,
                cloudToDeviceMessageCount == null ? 0 : cloudToDeviceMessageCount, authentication, capabilities);
    }
}
