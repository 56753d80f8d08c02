package dev.muster.core.issuance;

import dev.muster.core.IfMatch;
import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import java.util.List;
import java.util.Optional;

/**
 * Operators' side of certificate policies: create or replace (guarded by the etag), delete, and the certificates
 * issued under one. A policy is read when a device's CSR is checked and signed, so a replacement applies to
 * certificates issued afterwards only; those issued before keep the validity, CA and CRL URL they were signed with.
 * {@code default} can be replaced but not deleted, and a policy that enrollments name cannot be deleted.
 */
public final class CertificatePolicies {
    private static final int MAX_ATTEMPTS = 8;

    private final CertificateIssuance issuance;
    private final IssuanceStore store;
    private final PolicyReferences references;

    public record Written(CertificatePolicy policy, boolean created) {}

    /** @param references the enrollments' {@code credentialPolicyName}s (the enrollment store) */
    public CertificatePolicies(CertificateIssuance issuance, IssuanceStore store, PolicyReferences references) {
        this.issuance = issuance;
        this.store = store;
        this.references = references;
    }

    /** The instance's policies, {@code default} among them. */
    public List<CertificatePolicy> list(String instance) {
        return issuance.policies(instance);
    }

    /** @throws ProvisioningException 404 when the instance has no policy of that name */
    public CertificatePolicy get(String instance, String name) {
        return issuance.policy(instance, name).orElseThrow(() -> notFound(name));
    }

    /**
     * Creates the policy or replaces the one of its name (which keeps its stored spelling), with a new etag. Without
     * {@code If-Match} (or with {@code *}) the last writer wins; with it, a policy changed since it was read is a 412.
     *
     * @throws ProvisioningException 400 for an issuing CA the instance lacks; 412 for a stale {@code If-Match}
     */
    public Written put(String instance, CertificatePolicy policy, String ifMatch) {
        requireIssuingCa(instance, policy.issuingCa());
        // The default policy is made on first use; making it now turns a PUT of "default" into a replacement.
        issuance.policy(instance, CertificatePolicy.DEFAULT);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<CertificatePolicy> existing = store.policy(instance, policy.name());
            checkIfMatch(ifMatch, existing, policy.name());
            if (existing.isEmpty()) {
                CertificatePolicy created = policy.stored(policy.name(), Ids.etag());
                if (store.insertPolicy(instance, created)) {
                    return new Written(issuance.withCrl(instance, created), true);
                }
            } else {
                CertificatePolicy replaced = policy.stored(existing.get().name(), Ids.etag());
                if (store.replacePolicy(instance, replaced, existing.get().etag())) {
                    return new Written(issuance.withCrl(instance, replaced), false);
                }
            }
        }
        throw ProvisioningException.conflict("Certificate policy " + policy.name() + " is being changed concurrently;"
                + " retry.");
    }

    /**
     * Deletes a policy no enrollment names. Certificates issued under it stay valid and listed on their registrations.
     *
     * @throws ProvisioningException 400 for {@code default}, 404 when unknown, 409 with the number of enrollments and
     *                               groups naming it, 412 for a stale {@code If-Match}
     */
    public void delete(String instance, String name, String ifMatch) {
        if (CertificatePolicy.DEFAULT.equalsIgnoreCase(name)) {
            throw ProvisioningException.badRequest("Certificate policy 'default' cannot be deleted: every instance"
                    + " has it (enrollments without credentialPolicyName use it); replace it to change it.");
        }
        CertificatePolicy existing = get(instance, name);
        checkIfMatch(ifMatch, Optional.of(existing), name);
        long enrollments = references.enrollmentsNaming(instance, name);
        long groups = references.groupsNaming(instance, name);
        if (enrollments + groups > 0) {
            throw ProvisioningException.conflict("Certificate policy '" + existing.name() + "' is named in"
                    + " credentialPolicyName by " + enrollments + " individual enrollment(s) and " + groups
                    + " enrollment group(s); change or delete them first.");
        }
        if (!store.deletePolicy(instance, existing.name(), existing.etag())) {
            throw ProvisioningException.preconditionFailed("Certificate policy " + name + " changed while deleting"
                    + " it; read it again and retry.");
        }
    }

    /**
     * A page of the certificates issued under the policy, newest first.
     *
     * @throws ProvisioningException 404 when the instance has no policy of that name
     */
    public List<IssuedCertificate> issuedUnder(String instance, String name, InventoryCursor after, int limit) {
        CertificatePolicy policy = get(instance, name);
        return store.issuedUnder(instance, policy.name(), after, limit);
    }

    private void requireIssuingCa(String instance, String name) {
        if (!IssuingCa.DEFAULT.equalsIgnoreCase(name) && store.issuingCa(instance, name).isEmpty()) {
            throw ProvisioningException.badRequest("issuingCa '" + name + "' does not exist in this instance; name"
                    + " one of its issuing CAs ('default' is generated).");
        }
    }

    private static void checkIfMatch(String ifMatch, Optional<CertificatePolicy> current, String name) {
        if (IfMatch.isAny(ifMatch)) {
            return;
        }
        if (current.isEmpty()) {
            throw ProvisioningException.preconditionFailed("Certificate policy " + name + " does not exist, so"
                    + " If-Match cannot match.");
        }
        if (!IfMatch.matches(ifMatch, current.get().etag())) {
            throw ProvisioningException.preconditionFailed("Certificate policy " + name + " has changed: its etag is"
                    + " no longer " + ifMatch.strip() + ". Read it again and retry.");
        }
    }

    private static ProvisioningException notFound(String name) {
        return ProvisioningException.notFound(404204, "Certificate policy '" + name + "' does not exist.");
    }
}
