package dev.muster.core.hub;

/**
 * A module identity on a device of a hub's registry (IoT Hub's {@code Module}): its own credentials and twin, living
 * and dying with its device. Modules have no status of their own.
 *
 * @param managedBy who manages the module ({@code "IotEdge"} for modules an Edge runtime owns), null when nobody
 */
public record HubModule(String deviceId, String moduleId, String generationId, String etag, String connectionState,
                        String connectionStateUpdatedTime, String lastActivityTime, Integer cloudToDeviceMessageCount,
                        AuthenticationMechanism authentication, String managedBy) {
    /** What IoT Hub shows for a time that has not happened yet (never connected, never active). */
    public static final String NEVER = "0001-01-01T00:00:00Z";

    /** This requested module as the hub registers it: the hub's own fields at their initial values. */
    public HubModule created(String newGenerationId, String newEtag, AuthenticationMechanism auth) {
        return new HubModule(deviceId, moduleId, newGenerationId, newEtag, "Disconnected", NEVER, NEVER, 0, auth,
                managedBy);
    }

    /**
     * This requested module replacing {@code stored}: the caller changes only credentials and {@code managedBy};
     * generation, connection state and activity are the hub's and stay as stored.
     */
    public HubModule replacing(HubModule stored, String newEtag, AuthenticationMechanism auth) {
        return new HubModule(stored.deviceId, stored.moduleId, stored.generationId, newEtag, stored.connectionState,
                stored.connectionStateUpdatedTime, stored.lastActivityTime, stored.cloudToDeviceMessageCount, auth,
                managedBy);
    }
}
