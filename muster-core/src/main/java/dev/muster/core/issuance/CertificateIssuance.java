package dev.muster.core.issuance;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Issues a registering device's operational certificate from a policy of its instance. Every instance has policy
 * {@code default} and its CA {@code default}, made on first use: the first node to store them wins, the others read
 * what it stored, so all nodes sign with one CA.
 */
public final class CertificateIssuance {
    private final IssuanceStore store;
    private final CertificateIssuer issuer;
    private final Clock clock;

    public CertificateIssuance(IssuanceStore store, Clock clock) {
        this.store = store;
        this.issuer = new CertificateIssuer(clock);
        this.clock = clock;
    }

    /**
     * The policy a device's CSR is checked against, or empty when the enrollment names one the instance lacks.
     *
     * @param policyName the enrollment's {@code credentialPolicyName}, null for {@code default}
     */
    public Optional<CertificatePolicy> policy(String instance, String policyName) {
        if (policyName == null || CertificatePolicy.DEFAULT.equalsIgnoreCase(policyName)) {
            return Optional.of(defaultPolicy(instance));
        }
        return store.policy(instance, policyName);
    }

    /** Checks the CSR without signing: a refusal must be known before the hub identity is made. */
    public CsrVerdict check(CertificatePolicy policy, String registrationId, String csrBase64) {
        return CsrCheck.check(csrBase64, registrationId, policy);
    }

    /** Signs the accepted request's key and records the certificate in the inventory. */
    public IssuanceOutcome.Issued issue(String instance, CertificatePolicy policy, String registrationId,
                                        CsrVerdict.Accepted accepted) {
        IssuingCa ca = issuingCa(instance, policy.issuingCa());
        IssuedChain chain = issuer.issue(ca, policy, registrationId, accepted.publicKey());
        IssuedCertificate record = IssuedCertificate.of(registrationId, chain, policy, clock.instant());
        store.recordIssued(instance, record);
        return new IssuanceOutcome.Issued(chain, record);
    }

    /** The instance's policies, {@code default} among them. */
    public List<CertificatePolicy> policies(String instance) {
        defaultPolicy(instance);
        return store.policies(instance);
    }

    /**
     * Adds a policy. Its CA must exist: so far each instance has one, {@code default}, generated on first use.
     *
     * @throws ProvisioningException 400 for another CA, 409 when the name is taken ({@code default} always is)
     */
    public CertificatePolicy createPolicy(String instance, CertificatePolicy policy) {
        if (!IssuingCa.DEFAULT.equalsIgnoreCase(policy.issuingCa())) {
            throw ProvisioningException.badRequest("issuingCa '" + policy.issuingCa() + "' does not exist; this"
                    + " instance issues with its generated CA 'default'.");
        }
        defaultPolicy(instance);
        if (!store.insertPolicy(instance, policy)) {
            throw ProvisioningException.conflict("Certificate policy '" + policy.name() + "' exists already;"
                    + " policies are not changed once made (certificates name them).");
        }
        return policy;
    }

    /** The registration's certificates, newest first. */
    public List<IssuedCertificate> issuedTo(String instance, String registrationId) {
        return store.issuedTo(instance, registrationId);
    }

    /**
     * Revokes one of the registration's certificates, or all of them when {@code serialNumber} is null.
     *
     * @return the certificates revoked by this call (already revoked ones are not counted again)
     */
    public List<IssuedCertificate> revoke(String instance, String registrationId, String serialNumber) {
        Instant now = clock.instant();
        return store.issuedTo(instance, registrationId).stream()
                .filter(c -> !c.isRevoked() && (serialNumber == null || c.serialNumber().equalsIgnoreCase(serialNumber)))
                .filter(c -> store.revoke(instance, c.issuingCa(), c.serialNumber(), now))
                .toList();
    }

    /** The instance's CA of that name; the default one is generated (once, across nodes) on first use. */
    public IssuingCa issuingCa(String instance, String name) {
        Optional<IssuingCa> ca = store.issuingCa(instance, name);
        if (ca.isPresent()) {
            return ca.get();
        }
        if (!IssuingCa.DEFAULT.equalsIgnoreCase(name)) {
            throw new IllegalStateException("policy names issuing CA '" + name + "', which instance " + instance
                    + " does not have");
        }
        IssuingCa generated = IssuingCa.generate(IssuingCa.DEFAULT, instance);
        if (store.insertIssuingCa(instance, generated)) {
            return generated;
        }
        return store.issuingCa(instance, name).orElseThrow(() -> new IllegalStateException(
                "the default issuing CA of " + instance + " was stored by another node but cannot be read"));
    }

    private CertificatePolicy defaultPolicy(String instance) {
        Optional<CertificatePolicy> stored = store.policy(instance, CertificatePolicy.DEFAULT);
        if (stored.isPresent()) {
            return stored.get();
        }
        // With an etag, so that operators can replace it under If-Match like any other policy.
        CertificatePolicy p = CertificatePolicy.defaultPolicy(null).stored(CertificatePolicy.DEFAULT, Ids.etag());
        store.insertPolicy(instance, p);
        return store.policy(instance, CertificatePolicy.DEFAULT).orElse(p);
    }
}
