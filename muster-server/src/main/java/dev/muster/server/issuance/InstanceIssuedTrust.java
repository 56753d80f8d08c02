package dev.muster.server.issuance;

import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.hub.IssuedTrust;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A built-in hub device is trusted with the certificates its own instance issued: the device's claim names the instance,
 * and the roots of that instance's issuing CAs (generated, uploaded, in a token) become anchors for this device alone.
 */
public final class InstanceIssuedTrust implements IssuedTrust {
    /**
     * How long an instance's roots are reused. This node drops them at once when its service API changes a CA; a
     * change made on another node is seen here within this time.
     */
    static final Duration ROOTS_TTL = Duration.ofSeconds(30);

    private final DeviceClaimStore claims;
    private final IssuanceStore issuance;
    private final Clock clock;
    private final ConcurrentMap<String, Roots> roots = new ConcurrentHashMap<>();

    private record Roots(List<X509Certificate> anchors, Instant readAt) {}

    public InstanceIssuedTrust(DeviceClaimStore claims, IssuanceStore issuance) {
        this(claims, issuance, Clock.systemUTC());
    }

    public InstanceIssuedTrust(DeviceClaimStore claims, IssuanceStore issuance, Clock clock) {
        this.claims = claims;
        this.issuance = issuance;
        this.clock = clock;
    }

    @Override
    public List<X509Certificate> anchors(String hub, String deviceId) {
        return claims.deviceClaim(hub, deviceId).map(DeviceClaim::ownerInstance).map(this::roots).orElse(List.of());
    }

    /** Runs on every hub connection with an issued certificate, so the roots are read from the store once per TTL. */
    List<X509Certificate> roots(String instance) {
        Instant now = clock.instant();
        Roots cached = roots.get(instance);
        if (cached != null && cached.readAt().plus(ROOTS_TTL).isAfter(now)) {
            return cached.anchors();
        }
        // Distinct: an uploaded intermediate may share its root with another CA of the instance.
        List<X509Certificate> anchors = issuance.issuingCas(instance).stream().map(IssuingCa::root).distinct().toList();
        roots.put(instance, new Roots(anchors, now));
        return anchors;
    }

    /** Forgets the instance's roots: one of its CAs was added or deleted. */
    public void invalidate(String instance) {
        roots.remove(instance);
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
