package dev.muster.core.hub;

import dev.muster.core.enrollment.DeviceCapabilities;
import java.util.List;

/**
 * A device identity in a hub's registry (IoT Hub registry API model, data-plane 2021-04-12). Fields the hub owns
 * (connection state, activity, C2D count) are null until set and rendered with Azure's defaults by
 * {@link #withAzureDefaults()}. {@code deviceScope}/{@code parentScopes} relate a device to its IoT Edge gateway.
 */
public record HubDevice(String deviceId, String generationId, String etag, String status, String statusReason,
                        String connectionState, String statusUpdatedTime, String lastActivityTime,
                        Integer cloudToDeviceMessageCount, AuthenticationMechanism authentication,
                        DeviceCapabilities capabilities, String connectionStateUpdatedTime, String deviceScope,
                        List<String> parentScopes) {
    /** What Azure shows for a time that never happened (never connected, never active). */
    public static final String NEVER = "0001-01-01T00:00:00Z";

    public HubDevice {
        parentScopes = parentScopes == null ? null : List.copyOf(parentScopes);
    }

    public static HubDevice of(String deviceId, AuthenticationMechanism authentication, DeviceCapabilities capabilities) {
        return new HubDevice(deviceId, null, null, "enabled", null, null, null, null, null, authentication, capabilities,
                null, null, null);
    }

    public boolean isEnabled() {
        return !"disabled".equalsIgnoreCase(status);
    }

    public boolean isEdge() {
        return capabilities != null && capabilities.iotEdge();
    }

    public HubDevice withServerFields(String generationId, String etag, String status, String statusUpdatedTime,
                                      AuthenticationMechanism authentication, DeviceCapabilities capabilities) {
        return new HubDevice(deviceId, generationId, etag, status, statusReason,
                connectionState == null ? "Disconnected" : connectionState, statusUpdatedTime,
                lastActivityTime == null ? NEVER : lastActivityTime,
                cloudToDeviceMessageCount == null ? 0 : cloudToDeviceMessageCount, authentication, capabilities,
                connectionStateUpdatedTime == null ? NEVER : connectionStateUpdatedTime, deviceScope, parentScopes);
    }

    /** This device with what its connections say: state, when it last changed, last activity. */
    public HubDevice withConnection(String state, String stateUpdatedTime, String activityTime) {
        return new HubDevice(deviceId, generationId, etag, status, statusReason, state, statusUpdatedTime,
                activityTime, cloudToDeviceMessageCount, authentication, capabilities, stateUpdatedTime, deviceScope,
                parentScopes);
    }

    /** This device with the number of cloud-to-device messages waiting in its queue. */
    public HubDevice withCloudToDeviceMessageCount(int pending) {
        return new HubDevice(deviceId, generationId, etag, status, statusReason, connectionState, statusUpdatedTime,
                lastActivityTime, pending, authentication, capabilities, connectionStateUpdatedTime, deviceScope,
                parentScopes);
    }

    public HubDevice withDeviceId(String id) {
        return new HubDevice(id, generationId, etag, status, statusReason, connectionState, statusUpdatedTime,
                lastActivityTime, cloudToDeviceMessageCount, authentication, capabilities, connectionStateUpdatedTime,
                deviceScope, parentScopes);
    }

    public HubDevice withScopes(String scope, List<String> parents) {
        return new HubDevice(deviceId, generationId, etag, status, statusReason, connectionState, statusUpdatedTime,
                lastActivityTime, cloudToDeviceMessageCount, authentication, capabilities, connectionStateUpdatedTime,
                scope, parents);
    }

    /**
     * The device as the registry API shows it: fields a stored document lacks (written before they existed, or
     * never set) get Azure's defaults — Disconnected, {@link #NEVER}, 0, no parent scopes.
     */
    public HubDevice withAzureDefaults() {
        return new HubDevice(deviceId, generationId, etag, status == null ? "enabled" : status, statusReason,
                connectionState == null ? "Disconnected" : connectionState,
                statusUpdatedTime == null ? NEVER : statusUpdatedTime,
                lastActivityTime == null ? NEVER : lastActivityTime,
                cloudToDeviceMessageCount == null ? 0 : cloudToDeviceMessageCount, authentication,
                capabilities == null ? DeviceCapabilities.NONE : capabilities,
                connectionStateUpdatedTime == null ? NEVER : connectionStateUpdatedTime, deviceScope,
                parentScopes == null ? List.of() : parentScopes);
    }
}
