package dev.muster.server.service;

import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.BulkEnrollmentOperation;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.registration.DeviceRegistrationState;
import dev.muster.core.registration.RegistrationService;
import dev.muster.server.http.Exchange;
import java.util.List;

/**
 * {@code /enrollments} and {@code /enrollmentGroups} (reference §7): create-or-update, read, delete with etags,
 * attestation mechanism, bulk operations and queries.
 */
final class EnrollmentRoutes {
    private final ServiceCalls calls;
    private final EnrollmentService enrollments;
    private final RegistrationService registrations;
    private final BulkEnrollmentOperation bulk;

    EnrollmentRoutes(ServiceCalls calls, EnrollmentService enrollments, RegistrationService registrations,
                     BulkEnrollmentOperation bulk) {
        this.calls = calls;
        this.enrollments = enrollments;
        this.registrations = registrations;
        this.bulk = bulk;
    }

    void individuals(Exchange ex) {
        List<String> s = ex.segments();
        String method = ex.method();
        if (s.size() == 1 && method.equals("POST")) {
            var body = Json.tree(ServiceCalls.requireBody(ex));
            calls.call(ex, AccessRight.EnrollmentWrite, i -> bulk.enrollments(i.name(), body), r -> ex.json(200, r));
        } else if (isQuery(s, method)) {
            EnrollmentQuery query = EnrollmentQuery.parse(ServiceCalls.queryText(ex), "enrollments");
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            calls.call(ex, AccessRight.EnrollmentRead, i -> enrollments.enrollments(i.name(), query, after, size + 1),
                    page -> ServiceCalls.page(ex, page, size, IndividualEnrollment::registrationId, "enrollment"));
        } else if (s.size() == 2) {
            String id = s.get(1);
            String ifMatch = ex.header("If-Match");
            switch (method) {
                case "PUT" -> {
                    IndividualEnrollment body = Json.read(ServiceCalls.requireBody(ex), IndividualEnrollment.class);
                    calls.call(ex, AccessRight.EnrollmentWrite,
                            i -> enrollments.putEnrollment(i.name(), id, body, ifMatch).value(), e -> ex.json(200, e));
                }
                case "GET" -> calls.call(ex, AccessRight.EnrollmentRead, i -> withState(i, id), e -> ex.json(200, e));
                case "DELETE" -> calls.call(ex, AccessRight.EnrollmentWrite, i -> {
                    enrollments.deleteEnrollment(i.name(), id, ifMatch);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> throw ServiceCalls.methodNotAllowed(ex);
            }
        } else if (isAttestationMechanism(s, method)) {
            calls.call(ex, AccessRight.EnrollmentRead, i -> enrollments.enrollment(i.name(), s.get(1)).attestation(),
                    a -> ex.json(200, a));
        } else {
            throw ServiceCalls.notFound(ex);
        }
    }

    void groups(Exchange ex) {
        List<String> s = ex.segments();
        String method = ex.method();
        if (s.size() == 1 && method.equals("POST")) {
            var body = Json.tree(ServiceCalls.requireBody(ex));
            calls.call(ex, AccessRight.EnrollmentWrite, i -> bulk.groups(i.name(), body), r -> ex.json(200, r));
        } else if (isQuery(s, method)) {
            EnrollmentQuery query = EnrollmentQuery.parse(ServiceCalls.queryText(ex), "enrollmentGroups");
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            calls.call(ex, AccessRight.EnrollmentRead, i -> enrollments.groups(i.name(), query, after, size + 1),
                    page -> ServiceCalls.page(ex, page, size, EnrollmentGroup::enrollmentGroupId, "enrollmentGroup"));
        } else if (s.size() == 2) {
            String id = s.get(1);
            String ifMatch = ex.header("If-Match");
            switch (method) {
                case "PUT" -> {
                    EnrollmentGroup body = Json.read(ServiceCalls.requireBody(ex), EnrollmentGroup.class);
                    calls.call(ex, AccessRight.EnrollmentWrite,
                            i -> enrollments.putGroup(i.name(), id, body, ifMatch).value(), g -> ex.json(200, g));
                }
                case "GET" -> calls.call(ex, AccessRight.EnrollmentRead, i -> enrollments.group(i.name(), id),
                        g -> ex.json(200, g));
                case "DELETE" -> calls.call(ex, AccessRight.EnrollmentWrite, i -> {
                    enrollments.deleteGroup(i.name(), id, ifMatch);
                    return Boolean.TRUE;
                }, v -> ex.empty(204));
                default -> throw ServiceCalls.methodNotAllowed(ex);
            }
        } else if (isAttestationMechanism(s, method)) {
            calls.call(ex, AccessRight.EnrollmentRead, i -> enrollments.group(i.name(), s.get(1)).attestation(),
                    a -> ex.json(200, a));
        } else {
            throw ServiceCalls.notFound(ex);
        }
    }

    private static boolean isQuery(List<String> s, String method) {
        return s.size() == 2 && s.get(1).equalsIgnoreCase("query") && method.equals("POST");
    }

    private static boolean isAttestationMechanism(List<String> s, String method) {
        return s.size() == 3 && s.get(2).equalsIgnoreCase("attestationmechanism") && method.equals("POST");
    }

    private IndividualEnrollment withState(ProvisioningInstance instance, String id) {
        IndividualEnrollment e = enrollments.enrollment(instance.name(), id);
        try {
            DeviceRegistrationState state = registrations.record(instance.name(), id);
            return state.enrollmentGroupId() == null ? e.withRegistrationState(state) : e;
        } catch (ProvisioningException notRegistered) {
            return e;
        }
    }
}
