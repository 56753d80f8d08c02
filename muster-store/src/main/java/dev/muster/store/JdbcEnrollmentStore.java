package dev.muster.store;

import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.IndividualEnrollment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Individual enrollments and enrollment groups. Both are one JSON document per row under the lower-cased ID;
 * the two tables have the same shape, so one {@link EnrollmentTable} serves both.
 */
final class JdbcEnrollmentStore implements EnrollmentStore {
    private final EnrollmentTable<IndividualEnrollment> individuals;
    private final EnrollmentTable<EnrollmentGroup> groups;

    JdbcEnrollmentStore(Jdbc jdbc, SecretBox box) {
        this.individuals = new EnrollmentTable<>(jdbc, "enrollments", IndividualEnrollment.class, box);
        this.groups = new EnrollmentTable<>(jdbc, "enrollment_groups", EnrollmentGroup.class, box);
    }

    @Override
    public Optional<IndividualEnrollment> enrollment(String instance, String registrationId) {
        return individuals.get(instance, registrationId);
    }

    @Override
    public boolean insertEnrollment(String instance, IndividualEnrollment enrollment) {
        return individuals.insert(instance, id(enrollment.registrationId()), enrollment.etag(), enrollment);
    }

    @Override
    public boolean replaceEnrollment(String instance, IndividualEnrollment enrollment, String expectedEtag) {
        return individuals.replace(instance, id(enrollment.registrationId()), enrollment.etag(), enrollment,
                expectedEtag);
    }

    @Override
    public boolean deleteEnrollment(String instance, String registrationId, String expectedEtag) {
        return individuals.delete(instance, registrationId, expectedEtag);
    }

    @Override
    public List<IndividualEnrollment> enrollments(String instance, String afterId, int limit) {
        return individuals.page(instance, EnrollmentQuery.ALL, afterId, limit);
    }

    @Override
    public List<IndividualEnrollment> enrollments(String instance, EnrollmentQuery query, String afterId, int limit) {
        return individuals.page(instance, query, afterId, limit);
    }

    @Override
    public Optional<EnrollmentGroup> group(String instance, String groupId) {
        return groups.get(instance, groupId);
    }

    @Override
    public boolean insertGroup(String instance, EnrollmentGroup group) {
        return groups.insert(instance, id(group.enrollmentGroupId()), group.etag(), group);
    }

    @Override
    public boolean replaceGroup(String instance, EnrollmentGroup group, String expectedEtag) {
        return groups.replace(instance, id(group.enrollmentGroupId()), group.etag(), group, expectedEtag);
    }

    @Override
    public boolean deleteGroup(String instance, String groupId, String expectedEtag) {
        return groups.delete(instance, groupId, expectedEtag);
    }

    @Override
    public List<EnrollmentGroup> groups(String instance, String afterId, int limit) {
        return groups.page(instance, EnrollmentQuery.ALL, afterId, limit);
    }

    @Override
    public List<EnrollmentGroup> groups(String instance, EnrollmentQuery query, String afterId, int limit) {
        return groups.page(instance, query, afterId, limit);
    }

    @Override
    public List<EnrollmentGroup> groupsByAttestation(String instance, String attestationType) {
        return groups.byAttestation(instance, Documents.key(attestationType));
    }

    private static String id(String id) {
        return Objects.requireNonNull(id, "an enrollment must carry its ID");
    }

    @Override
    public long enrollmentsNaming(String instance, String policyName) {
        return individuals.countNaming(instance, policyName);
    }

    @Override
    public long groupsNaming(String instance, String policyName) {
        return groups.countNaming(instance, policyName);
    }
}
