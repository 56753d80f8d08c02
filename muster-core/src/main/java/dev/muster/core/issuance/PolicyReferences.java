package dev.muster.core.issuance;

/**
 * Who names a certificate policy in {@code credentialPolicyName}: a policy in use is not deleted, or the devices of
 * those enrollments could no longer renew (their CSRs would be refused for a missing policy).
 */
public interface PolicyReferences {
    /** Individual enrollments of the instance naming the policy (case-insensitively). */
    long enrollmentsNaming(String instance, String policyName);

    /** Enrollment groups of the instance naming the policy (case-insensitively). */
    long groupsNaming(String instance, String policyName);
}
