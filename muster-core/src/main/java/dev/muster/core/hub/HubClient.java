package dev.muster.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.TwinState;
import java.util.Optional;

/**
 * How the provisioning service talks to a linked hub: the hub registry/twin REST API (reference §9), or a
 * direct call into a built-in hub of this process. Both pass one contract suite. Failures are HubExceptions.
 */
public interface HubClient {
    String hostName();

    Optional<HubDevice> device(String deviceId);

    /** Creates the device or replaces its identity (keys, status, capabilities). */
    HubDevice putDevice(HubDevice device);

    /** Deletes the device; absent is fine. */
    void deleteDevice(String deviceId);

    /** The twin in the hub's JSON form ({@code tags}, {@code properties.desired/reported} with {@code $version}). */
    Optional<ObjectNode> twin(String deviceId);

    /** Number of devices in the hub's registry (GET /statistics/devices); also a cheap health probe. */
    long deviceCount();

    /** Merges tags and desired properties into the twin (null values delete). */
    void patchTwin(String deviceId, TwinState patch);

    /**
     * Creates a device that does not exist yet with its initial twin in one atomic step, where the hub can; the
     * result must equal {@link #putDevice} followed by {@link #patchTwin}.
     *
     * @return false when the device already exists or this client cannot do it in one step (the caller then uses
     *         putDevice and patchTwin)
     */
    default boolean createWithTwin(HubDevice device, TwinState initialTwin) {
        return false;
    }

    /**
     * Creates a device that does not exist yet with a whole twin moved from another hub: tags, desired and
     * reported properties (without their {@code $version}/{@code $metadata}, which the new twin counts afresh).
     * Only a hub that lets the provisioning service write reported properties can; Azure's service API cannot.
     *
     * @return false when the device already exists or this hub cannot take reported properties from a service (the
     *         caller then moves tags and desired properties only)
     */
    default boolean createMigrated(HubDevice device, ObjectNode twin) {
        return false;
    }
}
