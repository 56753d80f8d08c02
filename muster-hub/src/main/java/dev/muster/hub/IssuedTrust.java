package dev.muster.hub;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The CAs a device's provisioning instance issued its certificates with: a built-in hub trusts them for that device
 * only (its hubs are shared by every instance; one instance's CA must never vouch for another's devices).
 */
@FunctionalInterface
public interface IssuedTrust {
    IssuedTrust NONE = (hub, deviceId) -> List.of();

    /** The roots that may sign {@code deviceId}'s certificate in {@code hub}; empty when none. */
    List<X509Certificate> anchors(String hub, String deviceId);
}
