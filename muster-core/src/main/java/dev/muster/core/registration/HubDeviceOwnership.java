package dev.muster.core.registration;

import dev.muster.core.Timestamps;
import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.hub.HubException;
import dev.muster.core.instance.ProvisioningInstance;
import java.time.Clock;
import java.util.Optional;

/**
 * Keeps each hub device identity with the one instance that provisioned it. A registration may create, change,
 * read or delete a device in a hub only after {@link #claim} said the device is (now) its own: otherwise a tenant
 * enrolling another tenant's registration ID would take over that device in a shared built-in hub — its keys, its
 * twin, its connection.
 */
final class HubDeviceOwnership {
    private final DeviceClaimStore claims;
    private final Clock clock;

    HubDeviceOwnership(DeviceClaimStore claims, Clock clock) {
        this.claims = claims;
        this.clock = clock;
    }

    /** What {@link #claim} found. */
    sealed interface Claim {
        /** The device is the instance's: it held it already, or this call claimed it ({@code fresh}). */
        record Owned(boolean fresh) implements Claim {}

        /** Another instance (possibly deleted since) holds the device. */
        record HeldByOther(DeviceClaim owner) implements Claim {}
    }

    /**
     * Claims the device for the instance unless another instance holds it.
     *
     * @param probablyFree the caller expects nobody to hold it (a first registration): one insert then settles it,
     *                     instead of a read first; a re-registration reads first (the claim is usually there)
     */
    Claim claim(ProvisioningInstance instance, String registrationId, String hubHostName, String deviceId,
                boolean probablyFree) {
        DeviceClaim mine = new DeviceClaim(hubHostName, deviceId, instance.idScope(), instance.name(), registrationId,
                Timestamps.format(clock.instant()));
        boolean tryInsert = probablyFree;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (tryInsert && claims.insertDeviceClaim(mine)) {
                return new Claim.Owned(true);
            }
            Optional<DeviceClaim> current = claims.deviceClaim(hubHostName, deviceId);
            if (current.isPresent()) {
                return current.get().ownedBy(instance.idScope())
                        ? new Claim.Owned(false) : new Claim.HeldByOther(current.get());
            }
            // nobody holds it (or a claim was released between the insert and the read): insert
            tryInsert = true;
        }
        // fails the registration like a busy hub would (500201); the device retries
        throw new HubException(hubHostName, 409, "the claim on device " + deviceId + " kept changing");
    }

    /** Whether the instance holds the device (it may then read, change or delete it). */
    boolean owns(ProvisioningInstance instance, String hubHostName, String deviceId) {
        return claims.deviceClaim(hubHostName, deviceId).map(c -> c.ownedBy(instance.idScope())).orElse(false);
    }

    /** Gives the device up after the instance deleted it from the hub; a claim another instance holds stays. */
    void release(ProvisioningInstance instance, String hubHostName, String deviceId) {
        claims.deleteDeviceClaim(hubHostName, deviceId, instance.idScope());
    }
}
