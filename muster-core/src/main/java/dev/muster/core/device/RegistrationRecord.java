package dev.muster.core.device;

/**
 * A stored registration: the public state plus what the service keeps for itself.
 *
 * @param enrollmentGroupId the group the device came through, or null for an individual enrollment
 * @param initialHub the hub of the first assignment, still stored but no longer read by any decision (the
 *                   substatus follows Azure and does not depend on it)
 */
public record RegistrationRecord(DeviceRegistrationState state, String enrollmentGroupId, String initialHub) {}
