package dev.muster.core.device;

import java.util.Optional;

/**
 * Claims on hub device identities: at most one per (hub, device ID), so two instances can never both hold a device.
 * Every write is conditional; the database decides between nodes.
 */
public interface DeviceClaimStore {
    Optional<DeviceClaim> deviceClaim(String hubHostName, String deviceId);

    /** Records the claim unless the device is claimed already (by anyone). @return true when this call recorded it */
    boolean insertDeviceClaim(DeviceClaim claim);

    /** Removes the claim if {@code ownerIdScope} holds it. @return true when a claim was removed */
    boolean deleteDeviceClaim(String hubHostName, String deviceId, String ownerIdScope);
}
