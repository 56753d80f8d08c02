package dev.muster.server.issuance;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.hub.IssuedTrust;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A built-in hub device is trusted with the certificates its own instance issued: the device's claim names the instance,
 * and the root of that instance's issuing CA becomes an anchor for this device alone.
 */
public final class InstanceIssuedTrust implements IssuedTrust {
    private final DeviceClaimStore claims;
    private final IssuanceStore issuance;

    public InstanceIssuedTrust(DeviceClaimStore claims, IssuanceStore issuance) {
        this.claims = claims;
        this.issuance = issuance;
    }

    @Override
    public List<X509Certificate> anchors(String hub, String deviceId) {
        // Only the default CA so far: policies with other CAs would add theirs here.
        return claims.deviceClaim(hub, deviceId).map(DeviceClaim::ownerInstance)
                .flatMap(instance -> issuance.issuingCa(instance, IssuingCa.DEFAULT))
                .map(ca -> List.of(ca.root())).orElse(List.of());
    }

    @Override
    public Optional<String> registrationId(String hub, String deviceId) {
        return claims.deviceClaim(hub, deviceId).map(DeviceClaim::registrationId);
    }

    /** Checked at every connection, so a revocation takes effect at the device's next connect. */
    @Override
    public Optional<String> revoked(String hub, String deviceId, X509Certificate leaf) {
        Optional<DeviceClaim> claim = claims.deviceClaim(hub, deviceId);
        if (claim.isEmpty()) {
            return Optional.empty();
        }
        String serial = leaf.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
        return issuance.issuedTo(claim.get().ownerInstance(), claim.get().registrationId()).stream()
                .filter(c -> c.serialNumber().equals(serial) && c.isRevoked()).findFirst()
                .map(c -> "client certificate serial " + serial + " of device " + deviceId + " was revoked at "
                        + c.revokedAt());
    }
}
