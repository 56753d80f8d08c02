package dev.muster.core.issuance;

import java.time.Instant;

/**
 * One certificate an instance issued, as its inventory keeps it (the certificate itself went to the device).
 *
 * @param serialNumber upper-case hex; unique per issuing CA
 * @param sha256Thumbprint upper-case hex of the DER
 * @param revokedAt null while the certificate is good
 */
public record IssuedCertificate(String registrationId, String serialNumber, String sha256Thumbprint, Instant notAfter,
                                String policyName, String issuingCa, Instant issuedAt, Instant revokedAt) {

    public static IssuedCertificate of(String registrationId, IssuedChain chain, CertificatePolicy policy,
                                       Instant issuedAt) {
        return new IssuedCertificate(registrationId, chain.serialNumber(), chain.sha256Thumbprint(),
                chain.leaf().getNotAfter().toInstant(), policy.name(), policy.issuingCa(), issuedAt, null);
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }
}
