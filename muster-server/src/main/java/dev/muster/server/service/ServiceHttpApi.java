package dev.muster.server.service;

import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CertificatePolicies;
import dev.muster.core.enrollment.BulkEnrollmentOperation;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.instance.AccessRight;
import dev.muster.core.instance.InstanceService;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.LinkedHubService;
import dev.muster.core.instance.PolicyService;
import dev.muster.core.instance.ServiceAuthorizer;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.x509.CertificateService;
import dev.muster.server.hub.HubHealthProbe;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import dev.muster.transport.Route;

/**
 * The service (management) API of reference §7, selected by the instance's service host name and guarded by
 * its shared access policies. Paths match case-insensitively; any api-version is accepted. {@link ApiRoutes}
 * says which part serves each route; this class holds the parts.
 */
public final class ServiceHttpApi implements Route {
    private final ServiceCalls calls;
    private final UsageMeter usage;
    private final EnrollmentRoutes enrollmentRoutes;
    private final RegistrationRoutes records;
    private IssuedCertificateRoutes issued;
    private CertificatePolicyRoutes certificatePolicies;
    private IssuingCaRoutes issuingCas;
    private final LinkedHubRoutes linkedHubs;
    private CertificateRoutes certificates;
    private LiveRegistrations live;
    private final PolicyRoutes policies;
    private UsageRoutes usageRoutes;
    private InstanceRoutes instanceRoutes;

    public ServiceHttpApi(InstanceStore instances, ServiceAuthorizer authorizer, EnrollmentService enrollments,
                          RegistrationService registrations, UsageMeter usage,
                          Blocking blocking, LinkedHubService links, HubHealthProbe health) {
        this.calls = new ServiceCalls(instances, authorizer, blocking);
        this.usage = usage;
        this.enrollmentRoutes = new EnrollmentRoutes(calls, enrollments, registrations,
                new BulkEnrollmentOperation(enrollments, usage));
        this.records = new RegistrationRoutes(calls, enrollments, registrations);
        this.linkedHubs = new LinkedHubRoutes(calls, links, health);
        this.policies = new PolicyRoutes(calls, new PolicyService(instances));
    }

    /**
     * Serves {@code /instance}, {@code /instances} (administrators, on the default instance's host) and
     * {@code /usage}, and enforces the instances' operations-per-minute quotas.
     */
    public ServiceHttpApi withTenancy(InstanceService instanceService, InstanceHosts hosts, String globalEndpoint,
                                      String defaultInstance, OperationStore operations, QuotaGuard guard) {
        this.instanceRoutes = new InstanceRoutes(calls, instanceService, hosts, globalEndpoint, defaultInstance);
        this.usageRoutes = new UsageRoutes(calls, usage, operations);
        calls.withQuotas(guard);
        return this;
    }

    /** Serves {@code /certificates} (CA certificates and proof of possession) with this service. */
    public ServiceHttpApi withCertificates(CertificateService service) {
        this.certificates = new CertificateRoutes(calls, service);
        return this;
    }

    /**
     * Serves {@code /registrations/{id}/certificates} (issued certificates, revocation) with this issuance;
     * {@link #withCertificatePolicies} serves the policies.
     */
    public ServiceHttpApi withIssuance(CertificateIssuance issuance) {
        this.issued = new IssuedCertificateRoutes(calls, issuance);
        this.issuingCas = new IssuingCaRoutes(calls, issuance);
        return this;
    }

    /** Serves {@code GET /events/registrations} (the portal's live view) from these events. */
    public ServiceHttpApi withLiveRegistrations(LiveRegistrations events) {
        this.live = events;
        return this;
    }

    /** Whether a path starting with this segment belongs to the service API: the front door's test. */
    public static boolean servesRoot(String firstSegment) {
        return ApiRoutes.TABLE.servesRoot(firstSegment);
    }

    @Override
    public void handle(Exchange ex) {
        ApiRoutes.TABLE.dispatch(this, ex);
    }

    // ---- what the route table's handlers call --------------------------------------------------------------------

    void liveRegistrations(Exchange ex) {
        LiveRegistrations events = require(live, ex);
        calls.call(ex, AccessRight.RegistrationStatusRead, i -> i, i -> events.open(ex, i));
    }

    EnrollmentRoutes.Collection<IndividualEnrollment> individuals() {
        return enrollmentRoutes.individuals();
    }

    EnrollmentRoutes.Collection<EnrollmentGroup> groups() {
        return enrollmentRoutes.groups();
    }

    RegistrationRoutes records() {
        return records;
    }

    LinkedHubRoutes linkedHubs() {
        return linkedHubs;
    }

    PolicyRoutes policies() {
        return policies;
    }

    CertificatePolicyRoutes certificatePolicies(Exchange ex) {
        return require(certificatePolicies, ex);
    }

    IssuingCaRoutes issuingCas(Exchange ex) {
        return require(issuingCas, ex);
    }

    IssuedCertificateRoutes issued(Exchange ex) {
        return require(issued, ex);
    }

    CertificateRoutes certificates(Exchange ex) {
        return require(certificates, ex);
    }

    UsageRoutes usage(Exchange ex) {
        return require(usageRoutes, ex);
    }

    InstanceRoutes instances(Exchange ex) {
        return require(instanceRoutes, ex);
    }

    /** A part this server runs without answers 404, as an unknown path would. */
    private static <R> R require(R part, Exchange ex) {
        if (part == null) {
            throw ServiceCalls.notFound(ex);
        }
        return part;
    }

    /** Serves {@code /certificatePolicies} (create or replace, delete, the certificates issued under one). */
    public ServiceHttpApi withCertificatePolicies(CertificatePolicies policies) {
        this.certificatePolicies = new CertificatePolicyRoutes(calls, policies);
        return this;
    }
}
