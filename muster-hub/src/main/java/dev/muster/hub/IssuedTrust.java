package dev.muster.hub;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CAs a device's provisioning instance issued its certificates with: a built-in hub trusts them for that device
 * only (its hubs are shared by every instance; one instance's CA must never vouch for another's devices).
 */
@FunctionalInterface
public interface IssuedTrust {
    IssuedTrust NONE = (hub, deviceId) -> List.of();

    /** The roots that may sign {@code deviceId}'s certificate in {@code hub}; empty when none. */
    List<X509Certificate> anchors(String hub, String deviceId);

    /**
     * The registration ID the instance issued {@code deviceId}'s certificates to, when it issued any: leaves carry it
     * as their CN (the CSR's subject), which differs from the device ID when the enrollment names another device ID.
     */
    default Optional<String> registrationId(String hub, String deviceId) {
        return Optional.empty();
    }

    /** Why an otherwise valid leaf is refused (it was revoked); empty when it is not. */
    default Optional<String> revoked(String hub, String deviceId, X509Certificate leaf) {
        return Optional.empty();
    }
}
