package dev.muster.hub;

import java.util.Set;

/**
 * A device transport's live sessions, found by the TLS client certificate they authenticated with: a revoked
 * certificate's sessions are closed at once instead of lasting until the device next reconnects (when the hub
 * refuses it).
 */
@FunctionalInterface
public interface CertificateSessions {
    /**
     * Closes this node's sessions whose client certificate has one of these SHA-256 thumbprints (upper-case hex).
     *
     * @param reason for the log and, where the protocol carries one, the device
     * @return how many were closed
     */
    int closeSessionsWith(Set<String> sha256Thumbprints, String reason);
}
