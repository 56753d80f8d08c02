package dev.muster.core.device;

/**
 * Which provisioning service instance a device identity in a hub belongs to. Every instance is linked to the same
 * built-in hubs, so the hub alone cannot tell whose device {@code sensor-1} is; the claim can. The owner is named by
 * its ID scope, which is drawn at random when an instance is created and never reused, so an instance created later
 * under a deleted one's name does not inherit that instance's devices.
 *
 * @param hubHostName the hub's host name as linked (compared without case)
 * @param deviceId the device ID in that hub (case-sensitive, as IoT Hub device IDs are)
 * @param ownerIdScope the owning instance's ID scope
 * @param ownerInstance the owning instance's name when it claimed the device
 * @param registrationId the registration that claimed it, whose record should name the device
 * @param claimedDateTimeUtc when the claim was made (Azure's fixed-width UTC form, so text order is time order)
 */
public record DeviceClaim(String hubHostName, String deviceId, String ownerIdScope, String ownerInstance,
                          String registrationId, String claimedDateTimeUtc) {

    public boolean ownedBy(String idScope) {
        return ownerIdScope.equalsIgnoreCase(idScope);
    }
}
