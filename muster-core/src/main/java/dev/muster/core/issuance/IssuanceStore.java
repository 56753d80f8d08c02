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
    // --- CRLs, revocation polling and the expiring-soon count ---

    /** The CA's revoked certificates, what its CRL lists. */
    List<IssuedCertificate> revokedBy(String instance, String issuingCa);

    /** How many of the CA's certificates are revoked (cheap: tells whether its CRL is stale). */
    int revokedCount(String instance, String issuingCa);

    /** The CA's newest stored CRL. */
    Optional<PublishedCrl> crl(String instance, String issuingCa);

    /**
     * Stores {@code crl} as the CA's newest, only if the stored one is still number {@code previousNumber} (0: none
     * stored yet): of nodes racing, one wins and the CRL Number never goes back.
     *
     * @return false when another node stored a CRL first
     */
    boolean publishCrl(String instance, String issuingCa, long previousNumber, PublishedCrl crl);

    /** Certificates of every instance revoked after {@code since}, oldest first (nodes poll this to close sessions). */
    List<Revocation> revokedSince(Instant since);

    /**
     * Per instance, how many registrations' newest certificate is unrevoked and expires after {@code now} and by
     * {@code until} (a registration that renewed is not counted for its older certificate). Instances with none are
     * absent. One query for all instances.
     */
    java.util.Map<String, Long> expiringSoon(Instant now, Instant until);

    // ---- operating policies (schema V23): conditional replace and delete, the inventory per policy ----------------

    /**
     * Swaps the stored policy of that name (case-insensitive) for this one, which carries its new etag.
     *
     * @param expectedEtag the stored policy's etag; null matches a policy stored without one (before schema V23)
     * @return false unless a policy of that name with that etag was there: of two writers, one wins
     */
    boolean replacePolicy(String instance, CertificatePolicy policy, String expectedEtag);

    /** @return false unless a policy of that name with that etag (null: none) was there and is gone */
    boolean deletePolicy(String instance, String name, String expectedEtag);

    /**
     * The certificates issued under a policy (by its name as stored when they were issued), newest first, then by
     * issuing CA and serial, strictly after {@code after} (null: from the newest).
     */
    List<IssuedCertificate> issuedUnder(String instance, String policyName, InventoryCursor after, int limit);
}
