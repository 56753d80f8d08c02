package dev.muster.core.device;

import java.util.List;
import java.util.Optional;

/**
 * Claims on hub device identities: at most one per (hub, device ID), so two instances can never both hold a device.
 * Every write is conditional; the database decides between nodes. Deleting a registration record (see
 * {@link RegistrationStore}) keeps the claim of the device it named: the device stays in its hub, as on Azure.
 */
public interface DeviceClaimStore {
    Optional<DeviceClaim> deviceClaim(String hubHostName, String deviceId);

    /** Records the claim unless the device is claimed already (by anyone). @return true when this call recorded it */
    boolean insertDeviceClaim(DeviceClaim claim);

    /** Removes the claim if {@code ownerIdScope} holds it. @return true when a claim was removed */
    boolean deleteDeviceClaim(String hubHostName, String deviceId, String ownerIdScope);

    /**
     * Claims not kept by a record's deletion, made after {@code after} (exclusive: the claim itself, by time then
     * hub then device; null = from the start) and at or before {@code untilUtc}, in that order.
     */
    List<DeviceClaim> claimsMadeUntil(DeviceClaim after, String untilUtc, int limit);

    /** How far the named sweep has looked; empty before its first run. */
    Optional<String> sweptUntil(String sweep);

    /** Moves the sweep's mark from {@code expected} (null: none yet) to {@code untilUtc}. @return false if moved meanwhile */
    boolean advanceSweep(String sweep, String expected, String untilUtc);
}
