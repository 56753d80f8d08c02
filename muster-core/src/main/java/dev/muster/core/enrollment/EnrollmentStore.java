package dev.muster.core.enrollment;

import dev.muster.core.issuance.PolicyReferences;
import dev.muster.core.x509.CertificateReferences;
import java.util.List;
import java.util.Optional;

/**
 * Enrollment documents keyed by instance and lower-cased ID. Writes are conditional so two writers never
 * both succeed on one etag (the service decides the new document; the store only checks and swaps).
 */
public interface EnrollmentStore extends CertificateReferences, PolicyReferences {
    Optional<IndividualEnrollment> enrollment(String instance, String registrationId);

    /** @return false if one with this ID exists */
    boolean insertEnrollment(String instance, IndividualEnrollment enrollment);

    /** @return false unless one exists with etag {@code expectedEtag} */
    boolean replaceEnrollment(String instance, IndividualEnrollment enrollment, String expectedEtag);

    /** @param expectedEtag null deletes whatever is there @return false if nothing (matching) was deleted */
    boolean deleteEnrollment(String instance, String registrationId, String expectedEtag);

    /** Keyset page ordered by lower-cased ID, strictly after {@code afterId} (null = from the start). */
    List<IndividualEnrollment> enrollments(String instance, String afterId, int limit);

    /**
     * Keyset page of candidates for {@code query}: every stored enrollment that matches it, in the order of
     * {@link #enrollments}, possibly with others among them (the caller checks each one). A store pushes down what it
     * can; this default pushes down nothing.
     */
    default List<IndividualEnrollment> enrollments(String instance, EnrollmentQuery query, String afterId, int limit) {
        return enrollments(instance, afterId, limit);
    }

    Optional<EnrollmentGroup> group(String instance, String groupId);

    boolean insertGroup(String instance, EnrollmentGroup group);

    boolean replaceGroup(String instance, EnrollmentGroup group, String expectedEtag);

    boolean deleteGroup(String instance, String groupId, String expectedEtag);

    List<EnrollmentGroup> groups(String instance, String afterId, int limit);

    /** Keyset page of candidates for {@code query}, as {@link #enrollments(String, EnrollmentQuery, String, int)}. */
    default List<EnrollmentGroup> groups(String instance, EnrollmentQuery query, String afterId, int limit) {
        return groups(instance, afterId, limit);
    }

    /** Groups of one attestation type, for matching a device that is not individually enrolled. */
    List<EnrollmentGroup> groupsByAttestation(String instance, String attestationType);

    /** The X.509 groups whose {@code attestation.x509.caReferences} name CA certificate {@code name}. */
    @Override
    default List<String> groupsReferringTo(String instance, String name) {
        return groupsByAttestation(instance, AttestationMechanism.X509).stream().filter(g -> refersTo(g, name))
                .map(EnrollmentGroup::enrollmentGroupId).toList();
    }

    private static boolean refersTo(EnrollmentGroup g, String name) {
        var refs = g.attestation().x509() == null ? null : g.attestation().x509().path(X509Attestation.CA_REFERENCES);
        if (refs == null) {
            return false;
        }
        return name.equalsIgnoreCase(refs.path("primary").asText("")) || name.equalsIgnoreCase(refs.path("secondary")
                .asText(""));
    }

    /** Counts by reading every enrollment; a store with the name in a column counts in one query. */
    @Override
    default long enrollmentsNaming(String instance, String policyName) {
        return countNaming(policyName, after -> enrollments(instance, after, 500), IndividualEnrollment::registrationId);
    }

    /** Counts by reading every group; a store with the name in a column counts in one query. */
    @Override
    default long groupsNaming(String instance, String policyName) {
        return countNaming(policyName, after -> groups(instance, after, 500), EnrollmentGroup::enrollmentGroupId);
    }

    private static <T extends Enrollment> long countNaming(String policyName,
                                                           java.util.function.Function<String, List<T>> page,
                                                           java.util.function.Function<T, String> id) {
        long n = 0;
        String after = null;
        while (true) {
            List<T> rows = page.apply(after);
            n += rows.stream().filter(e -> policyName.equalsIgnoreCase(e.credentialPolicyName())).count();
            if (rows.isEmpty()) {
                return n;
            }
            after = id.apply(rows.get(rows.size() - 1));
        }
    }
}
