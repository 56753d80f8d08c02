package dev.muster.core.issuance;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An instance's certificate policies, its issuing CAs (their keys sealed at rest) and the inventory of what it issued.
 * Inserts are conditional (false when the name is taken), so nodes racing to create the default CA agree on one.
 */
public interface IssuanceStore {
    List<CertificatePolicy> policies(String instance);

    Optional<CertificatePolicy> policy(String instance, String name);

    /** @return false when the instance already has a policy of that name (case-insensitive) */
    boolean insertPolicy(String instance, CertificatePolicy policy);

    Optional<IssuingCa> issuingCa(String instance, String name);

    /** @return false when the instance already has a CA of that name; the stored one stands */
    boolean insertIssuingCa(String instance, IssuingCa ca);

    void recordIssued(String instance, IssuedCertificate certificate);

    /** Newest first. */
    List<IssuedCertificate> issuedTo(String instance, String registrationId);

    /** Marks a certificate revoked; false when it is unknown or already revoked. */
    boolean revoke(String instance, String issuingCa, String serialNumber, Instant at);

    /** The instance's CAs by name (a token CA without its library bound: the certificates are what is read). */
    List<IssuingCa> issuingCas(String instance);

    /** @return false when the instance has no CA of that name */
    boolean deleteIssuingCa(String instance, String name);
}
