package dev.muster.core.enrollment;

import dev.muster.core.Ids;
import dev.muster.core.IfMatch;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.device.RegistrationIds;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.instance.LinkedHubStore;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.x509.CertificateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The enrollment list of an instance: create-or-update with etags, read, delete, list. Every document is
 * validated whole before anything is written, and the write is one conditional swap, so a bad request or a
 * concurrent writer never leaves a half-written enrollment.
 */
public final class EnrollmentService {
    private static final int MAX_ATTEMPTS = 8;
    public static final int MAX_PAGE = 1000;

    private final EnrollmentStore store;
    private final RegistrationStore registrations;
    private final LinkedHubStore linkedHubs;
    private final UsageMeter usage;
    private final Clock clock;
    private final CertificateStore certificates;
    private volatile QuotaGuard quotas;

    /** @param linkedHubs the instances' linked hubs: an enrollment may only name hubs linked to its instance */
    public EnrollmentService(EnrollmentStore store, RegistrationStore registrations, LinkedHubStore linkedHubs,
                             UsageMeter usage, Clock clock) {
        this(store, registrations, linkedHubs, null, usage, clock);
    }

    /** @param certificates the instances' CA certificates, so caReferences can be checked; null skips the check */
    public EnrollmentService(EnrollmentStore store, RegistrationStore registrations, LinkedHubStore linkedHubs,
                             CertificateStore certificates, UsageMeter usage, Clock clock) {
        this.certificates = certificates;
        this.store = store;
        this.registrations = registrations;
        this.linkedHubs = linkedHubs;
        this.usage = usage;
        this.clock = clock;
    }

    /** Enforces the instances' enrollment-count quotas (none without this). */
    public EnrollmentService limitedBy(QuotaGuard guard) {
        this.quotas = guard;
        return this;
    }

    private void admitNew(String instance) {
        QuotaGuard guard = quotas;
        if (guard != null) {
            guard.admitNewEnrollment(instance);
        }
    }

    /** Result of a create-or-update: the stored document and whether it was new. */
    public record Written<T>(T value, boolean created) {}

    // ---- individual enrollments ------------------------------------------------------------------------------

    public Written<IndividualEnrollment> putEnrollment(String instance, String pathId, IndividualEnrollment body,
                                                       String ifMatch) {
        return writeEnrollment(instance, pathId, body, ifMatch, false);
    }

    /** Creates the enrollment named in the body; 409 if one with its registration ID exists. */
    public IndividualEnrollment createEnrollment(String instance, IndividualEnrollment body) {
        return writeEnrollment(instance, requireId(body.registrationId(), "registrationId"), body, null, true).value();
    }

    private Written<IndividualEnrollment> writeEnrollment(String instance, String pathId, IndividualEnrollment body,
                                                          String ifMatch, boolean createOnly) {
        RegistrationIds.requireValid(pathId, "registrationId");
        if (body.registrationId() != null && !body.registrationId().equalsIgnoreCase(pathId)) {
            throw ProvisioningException.badRequest("The registrationId in the body ('" + body.registrationId()
                    + "') differs from the one in the path ('" + pathId + "').");
        }
        RegistrationIds.requireValidDeviceId(body.deviceId());
        AttestationMechanism checked = EnrollmentRules.attestation(body.attestation(), false, null);
        checkX509(instance, checked, pathId);
        String status = EnrollmentRules.status(body.provisioningStatus());
        EnrollmentRules.twin(body.initialTwin());
        EnrollmentRules.allocation(body.allocationPolicy(), body.iotHubs(), body.customAllocationDefinition(),
                linkedHubs.linkedHubs(instance));
        IndividualEnrollment requested = body.registrationId() == null ? body.withRegistrationId(pathId) : body;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<IndividualEnrollment> existing = store.enrollment(instance, pathId);
            String now = Timestamps.format(clock.instant());
            checkIfMatch(ifMatch, existing.map(IndividualEnrollment::etag), "Enrollment " + pathId);
            refuseExisting(createOnly && existing.isPresent(), "Enrollment " + pathId);
            AttestationMechanism attestation = EnrollmentRules.attestation(body.attestation(), false,
                    existing.map(IndividualEnrollment::attestation).orElse(null));
            IndividualEnrollment doc = requested.withStored(attestation, status, Ids.etag(),
                    existing.map(IndividualEnrollment::createdDateTimeUtc).orElse(now), now,
                    capabilities(body.capabilities()), reprovision(body.reprovisionPolicy()));
            if (existing.isEmpty()) {
                admitNew(instance);
            }
            boolean ok = existing.isEmpty()
                    ? store.insertEnrollment(instance, doc)
                    : store.replaceEnrollment(instance, doc, existing.get().etag());
            if (ok) {
                usage.record(instance, existing.isEmpty() ? OperationKind.ENROLLMENT_CREATE : OperationKind.ENROLLMENT_UPDATE);
                return new Written<>(doc, existing.isEmpty());
            }
        }
        throw ProvisioningException.conflict("Enrollment " + pathId + " is being changed concurrently; retry.");
    }

    public IndividualEnrollment enrollment(String instance, String registrationId) {
        return store.enrollment(instance, registrationId)
                .orElseThrow(() -> ProvisioningException.enrollmentNotFound(registrationId));
    }

    public void deleteEnrollment(String instance, String registrationId, String ifMatch) {
        IndividualEnrollment existing = enrollment(instance, registrationId);
        checkIfMatch(ifMatch, Optional.of(existing.etag()), "Enrollment " + registrationId);
        if (!store.deleteEnrollment(instance, registrationId, existing.etag())) {
            throw ProvisioningException.preconditionFailed("Enrollment " + registrationId + " changed while deleting it.");
        }
        registrations.deleteRegistrationsOfEnrollment(instance, registrationId, false);
        usage.record(instance, OperationKind.ENROLLMENT_DELETE);
    }

    public List<IndividualEnrollment> enrollments(String instance, String afterId, int limit) {
        return store.enrollments(instance, afterId, Math.max(1, Math.min(limit, MAX_PAGE)));
    }

    /** Up to {@code limit} enrollments matching {@code query}, in ID order, strictly after {@code afterId}. */
    public List<IndividualEnrollment> enrollments(String instance, EnrollmentQuery query, String afterId, int limit) {
        return matching(query, afterId, limit, (after, n) -> store.enrollments(instance, query, after, n));
    }

    // ---- enrollment groups -----------------------------------------------------------------------------------

    public Written<EnrollmentGroup> putGroup(String instance, String pathId, EnrollmentGroup body, String ifMatch) {
        return writeGroup(instance, pathId, body, ifMatch, false);
    }

    /** Creates the group named in the body; 409 if one with its ID exists. */
    public EnrollmentGroup createGroup(String instance, EnrollmentGroup body) {
        return writeGroup(instance, requireId(body.enrollmentGroupId(), "enrollmentGroupId"), body, null, true).value();
    }

    private Written<EnrollmentGroup> writeGroup(String instance, String pathId, EnrollmentGroup body, String ifMatch,
                                                boolean createOnly) {
        RegistrationIds.requireValid(pathId, "enrollmentGroupId");
        if (body.enrollmentGroupId() != null && !body.enrollmentGroupId().equalsIgnoreCase(pathId)) {
            throw ProvisioningException.badRequest("The enrollmentGroupId in the body ('" + body.enrollmentGroupId()
                    + "') differs from the one in the path ('" + pathId + "').");
        }
        checkX509(instance, EnrollmentRules.attestation(body.attestation(), true, null), null);
        String status = EnrollmentRules.status(body.provisioningStatus());
        EnrollmentRules.twin(body.initialTwin());
        EnrollmentRules.allocation(body.allocationPolicy(), body.iotHubs(), body.customAllocationDefinition(),
                linkedHubs.linkedHubs(instance));
        EnrollmentGroup requested = body.enrollmentGroupId() == null ? body.withId(pathId) : body;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<EnrollmentGroup> existing = store.group(instance, pathId);
            String now = Timestamps.format(clock.instant());
            checkIfMatch(ifMatch, existing.map(EnrollmentGroup::etag), "Enrollment group " + pathId);
            refuseExisting(createOnly && existing.isPresent(), "Enrollment group " + pathId);
            AttestationMechanism attestation = EnrollmentRules.attestation(body.attestation(), true,
                    existing.map(EnrollmentGroup::attestation).orElse(null));
            EnrollmentGroup doc = requested.withStored(attestation, status, Ids.etag(),
                    existing.map(EnrollmentGroup::createdDateTimeUtc).orElse(now), now,
                    capabilities(body.capabilities()), reprovision(body.reprovisionPolicy()));
            if (existing.isEmpty()) {
                admitNew(instance);
            }
            boolean ok = existing.isEmpty()
                    ? store.insertGroup(instance, doc)
                    : store.replaceGroup(instance, doc, existing.get().etag());
            if (ok) {
                usage.record(instance, existing.isEmpty() ? OperationKind.ENROLLMENT_CREATE : OperationKind.ENROLLMENT_UPDATE);
                return new Written<>(doc, existing.isEmpty());
            }
        }
        throw ProvisioningException.conflict("Enrollment group " + pathId + " is being changed concurrently; retry.");
    }

    public EnrollmentGroup group(String instance, String groupId) {
        return store.group(instance, groupId).orElseThrow(() -> ProvisioningException.enrollmentNotFound(groupId));
    }

    public void deleteGroup(String instance, String groupId, String ifMatch) {
        EnrollmentGroup existing = group(instance, groupId);
        checkIfMatch(ifMatch, Optional.of(existing.etag()), "Enrollment group " + groupId);
        if (!store.deleteGroup(instance, groupId, existing.etag())) {
            throw ProvisioningException.preconditionFailed("Enrollment group " + groupId + " changed while deleting it.");
        }
        registrations.deleteRegistrationsOfEnrollment(instance, groupId, true);
        usage.record(instance, OperationKind.ENROLLMENT_DELETE);
    }

    public List<EnrollmentGroup> groups(String instance, String afterId, int limit) {
        return store.groups(instance, afterId, Math.max(1, Math.min(limit, MAX_PAGE)));
    }

    /** Up to {@code limit} groups matching {@code query}, in ID order, strictly after {@code afterId}. */
    public List<EnrollmentGroup> groups(String instance, EnrollmentQuery query, String afterId, int limit) {
        return matching(query, afterId, limit, (after, n) -> store.groups(instance, query, after, n));
    }

    // ---- shared ----------------------------------------------------------------------------------------------

    private interface CandidatePages<T> {
        List<T> page(String afterId, int limit);
    }

    /**
     * Reads the store's candidate pages until {@code limit} of them match (the store may push down only part of the
     * query, or none), so a filtered page is as full as an unfiltered one and the last ID stays a valid keyset.
     */
    private static <T extends Enrollment> List<T> matching(EnrollmentQuery query, String afterId, int limit,
                                                           CandidatePages<T> pages) {
        int n = Math.max(1, Math.min(limit, MAX_PAGE));
        List<T> out = new ArrayList<>();
        String after = afterId;
        while (true) {
            List<T> batch = pages.page(after, n);
            for (T e : batch) {
                if (query.matches(e)) {
                    out.add(e);
                    if (out.size() == n) {
                        return out;
                    }
                }
            }
            if (batch.size() < n) {
                return out;
            }
            after = batch.get(batch.size() - 1).id();
        }
    }

    private static String requireId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw ProvisioningException.badRequest("The item has no " + field + ".");
        }
        return id;
    }

    private static void refuseExisting(boolean exists, String what) {
        if (exists) {
            throw ProvisioningException.conflict(what + " already exists; create refuses to replace it (use update).");
        }
    }

    /**
     * A client certificate's CN must be the registration ID (devices register as their CN); CA references must name
     * certificates of the instance.
     */
    private void checkX509(String instance, AttestationMechanism a, String registrationId) {
        if (!a.isX509()) {
            return;
        }
        if (registrationId != null) {
            String cn = X509Attestation.clientCommonName((com.fasterxml.jackson.databind.node.ObjectNode) a.x509());
            if (a.x509().has(X509Attestation.CLIENT) && !registrationId.equalsIgnoreCase(cn)) {
                throw ProvisioningException.badRequest("attestation.x509.clientCertificates.primary has subject CN '" + cn
                        + "', but the registration ID is '" + registrationId + "': X.509 devices register with their"
                        + " certificate's CN.");
            }
        }
        if (certificates != null) {
            var refs = a.x509().path(X509Attestation.CA_REFERENCES);
            for (String slot : List.of("primary", "secondary")) {
                if (refs.path(slot).isTextual() && certificates.certificate(instance, refs.get(slot).asText()).isEmpty()) {
                    throw ProvisioningException.badRequest("attestation.x509.caReferences." + slot + " '"
                            + refs.get(slot).asText() + "' names no certificate of this instance; upload it first"
                            + " (PUT /certificates/{name} or ./muster certificate upload).");
                }
            }
        }
    }

    private static void checkIfMatch(String ifMatch, Optional<String> currentEtag, String what) {
        if (IfMatch.isAny(ifMatch)) {
            return;
        }
        if (currentEtag.isEmpty()) {
            throw ProvisioningException.preconditionFailed(what + " does not exist, so If-Match cannot match.");
        }
        if (!IfMatch.matches(ifMatch, currentEtag.get())) {
            throw ProvisioningException.preconditionFailed(what + " has changed: its etag is no longer " + ifMatch.strip()
                    + ". Read it again and retry.");
        }
    }

    private static DeviceCapabilities capabilities(DeviceCapabilities c) {
        return c == null ? DeviceCapabilities.NONE : c;
    }

    private static ReprovisionPolicy reprovision(ReprovisionPolicy p) {
        return p == null ? ReprovisionPolicy.DEFAULT : p.withDefaults();
    }
}
