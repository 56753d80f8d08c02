package dev.muster.server.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.BulkEnrollmentOperation;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentQuery;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.registration.RegistrationService;
import dev.muster.transport.Exchange;
import java.util.List;
import java.util.function.Function;

/**
 * {@code /enrollments} and {@code /enrollmentGroups} (reference §7): create-or-update, read, delete with etags,
 * attestation mechanism, bulk operations and queries. Both collections have the same routes; a {@link Kind} says
 * which service calls serve each.
 */
final class EnrollmentRoutes {
    private interface ById<R> {
        R apply(String instance, String id);
    }

    private interface Put<T> {
        T apply(String instance, String id, T body, String ifMatch);
    }

    private interface Delete {
        void apply(String instance, String id, String ifMatch);
    }

    private interface Page<T> {
        List<T> apply(String instance, EnrollmentQuery query, String afterId, int limit);
    }

    private interface Bulk {
        BulkEnrollmentOperation.Result apply(String instance, JsonNode body);
    }

    private record Kind<T>(String source, String itemType, Class<T> type, Function<T, String> id, Put<T> put,
                           ById<T> get, Delete delete, Page<T> query, ById<AttestationMechanism> attestation,
                           Bulk bulk) {}

    private final ServiceCalls calls;
    private final EnrollmentService enrollments;
    private final RegistrationService registrations;
    private final Collection<IndividualEnrollment> individuals;
    private final Collection<EnrollmentGroup> groups;

    EnrollmentRoutes(ServiceCalls calls, EnrollmentService enrollments, RegistrationService registrations,
                     BulkEnrollmentOperation bulk) {
        this.calls = calls;
        this.enrollments = enrollments;
        this.registrations = registrations;
        this.individuals = new Collection<>(new Kind<>("enrollments", "enrollment", IndividualEnrollment.class,
                IndividualEnrollment::registrationId,
                (i, id, body, ifMatch) -> enrollments.putEnrollment(i, id, body, ifMatch).value(),
                this::withState, enrollments::deleteEnrollment, enrollments::enrollments,
                (i, id) -> enrollments.enrollment(i, id).attestation(), bulk::enrollments));
        this.groups = new Collection<>(new Kind<>("enrollmentGroups", "enrollmentGroup", EnrollmentGroup.class,
                EnrollmentGroup::enrollmentGroupId,
                (i, id, body, ifMatch) -> enrollments.putGroup(i, id, body, ifMatch).value(),
                enrollments::group, enrollments::deleteGroup, enrollments::groups,
                (i, id) -> enrollments.group(i, id).attestation(), bulk::groups));
    }

    Collection<IndividualEnrollment> individuals() {
        return individuals;
    }

    Collection<EnrollmentGroup> groups() {
        return groups;
    }

    /** The routes of one collection ({@code /enrollments} or {@code /enrollmentGroups}), served by its kind's calls. */
    final class Collection<T> {
        private final Kind<T> kind;

        private Collection(Kind<T> kind) {
            this.kind = kind;
        }

        void bulk(Exchange ex) {
            JsonNode body = Json.tree(ServiceCalls.requireBody(ex));
            calls.call(ex, AccessRight.EnrollmentWrite, i -> kind.bulk().apply(i.name(), body), r -> ex.json(200, r));
        }

        void query(Exchange ex) {
            EnrollmentQuery query = EnrollmentQuery.parse(ServiceCalls.queryText(ex), kind.source());
            int size = QueryPaging.pageSize(ex.header("x-ms-max-item-count"));
            String after = QueryPaging.after(ex.header("x-ms-continuation"));
            calls.call(ex, AccessRight.EnrollmentRead, i -> kind.query().apply(i.name(), query, after, size + 1),
                    page -> ServiceCalls.page(ex, page, size, kind.id(), kind.itemType()));
        }

        void put(Exchange ex, String id) {
            String ifMatch = ex.header("If-Match");
            T body = Json.read(ServiceCalls.requireBody(ex), kind.type());
            calls.call(ex, AccessRight.EnrollmentWrite, i -> kind.put().apply(i.name(), id, body, ifMatch),
                    e -> ex.json(200, e));
        }

        void get(Exchange ex, String id) {
            calls.call(ex, AccessRight.EnrollmentRead, i -> kind.get().apply(i.name(), id), e -> ex.json(200, e));
        }

        void delete(Exchange ex, String id) {
            String ifMatch = ex.header("If-Match");
            calls.call(ex, AccessRight.EnrollmentWrite, i -> {
                kind.delete().apply(i.name(), id, ifMatch);
                return Boolean.TRUE;
            }, v -> ex.empty(204));
        }

        void attestation(Exchange ex, String id) {
            calls.call(ex, AccessRight.EnrollmentRead, i -> kind.attestation().apply(i.name(), id),
                    a -> ex.json(200, a));
        }
    }

    /** An individual enrollment carries its device's registration record once the device has registered. */
    private IndividualEnrollment withState(String instance, String id) {
        IndividualEnrollment e = enrollments.enrollment(instance, id);
        try {
            DeviceRegistrationState state = registrations.record(instance, id);
            return state.enrollmentGroupId() == null ? e.withRegistrationState(state) : e;
        } catch (ProvisioningException notRegistered) {
            return e;
        }
    }
}
