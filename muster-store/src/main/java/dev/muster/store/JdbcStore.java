package dev.muster.store;

import dev.muster.core.allocation.LinkedHub;
import dev.muster.core.allocation.LinkedHubStore;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.TrustedCertificate;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.QuotaStore;
import dev.muster.core.operations.UsageStore;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationRecord;
import dev.muster.core.registration.RegistrationStore;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Every core store on one {@link Database}, so the server wires a single object into each service. Each method
 * delegates to the class that owns its table; all of them fail with {@link StoreException}.
 */
public final class JdbcStore implements InstanceStore, EnrollmentStore, RegistrationStore, OperationStore,
        LinkedHubStore, UsageStore, HubStore, CertificateStore, QuotaStore {
    private final InstanceStore instances;
    private final EnrollmentStore enrollments;
    private final RegistrationStore registrations;
    private final OperationStore operations;
    private final LinkedHubStore linkedHubs;
    private final UsageStore usage;
    private final HubStore hubs;
    private final CertificateStore certificates;
    private final QuotaStore quotas;

    /** With a throw-away secret key: for tests, never for a database that outlives this object. */
    public JdbcStore(Database database) {
        this(database, SecretBox.ephemeral());
    }

    /** @param secrets seals keys and connection strings at rest (see {@link SecretBox#forDataDir}) */
    public JdbcStore(Database database, SecretBox secrets) {
        Jdbc jdbc = new Jdbc(database.dataSource());
        this.instances = new JdbcInstanceStore(jdbc, secrets);
        this.enrollments = new JdbcEnrollmentStore(jdbc, secrets);
        this.registrations = new JdbcRegistrationStore(jdbc);
        this.operations = new JdbcOperationStore(jdbc);
        this.linkedHubs = new JdbcLinkedHubStore(jdbc, secrets);
        this.usage = new JdbcUsageStore(jdbc);
        this.hubs = new JdbcHubStore(jdbc, secrets);
        this.certificates = new JdbcCertificateStore(jdbc);
        this.quotas = new JdbcQuotaStore(jdbc);
    }

    // ---- instances

    @Override
    public List<ProvisioningInstance> listInstances() {
        return instances.listInstances();
    }

    @Override
    public Optional<ProvisioningInstance> instanceByName(String name) {
        return instances.instanceByName(name);
    }

    @Override
    public Optional<ProvisioningInstance> instanceByIdScope(String idScope) {
        return instances.instanceByIdScope(idScope);
    }

    @Override
    public Optional<ProvisioningInstance> instanceByServiceHost(String hostName) {
        return instances.instanceByServiceHost(hostName);
    }

    @Override
    public boolean createInstance(ProvisioningInstance instance) {
        return instances.createInstance(instance);
    }

    @Override
    public Optional<ProvisioningInstance> updateInstance(String name, UnaryOperator<ProvisioningInstance> change) {
        return instances.updateInstance(name, change);
    }

    @Override
    public boolean deleteInstance(String name) {
        return instances.deleteInstance(name);
    }

    // ---- enrollments

    @Override
    public Optional<IndividualEnrollment> enrollment(String instance, String registrationId) {
        return enrollments.enrollment(instance, registrationId);
    }

    @Override
    public boolean insertEnrollment(String instance, IndividualEnrollment enrollment) {
        return enrollments.insertEnrollment(instance, enrollment);
    }

    @Override
    public boolean replaceEnrollment(String instance, IndividualEnrollment enrollment, String expectedEtag) {
        return enrollments.replaceEnrollment(instance, enrollment, expectedEtag);
    }

    @Override
    public boolean deleteEnrollment(String instance, String registrationId, String expectedEtag) {
        return enrollments.deleteEnrollment(instance, registrationId, expectedEtag);
    }

    @Override
    public List<IndividualEnrollment> enrollments(String instance, String afterId, int limit) {
        return enrollments.enrollments(instance, afterId, limit);
    }

    @Override
    public Optional<EnrollmentGroup> group(String instance, String groupId) {
        return enrollments.group(instance, groupId);
    }

    @Override
    public boolean insertGroup(String instance, EnrollmentGroup group) {
        return enrollments.insertGroup(instance, group);
    }

    @Override
    public boolean replaceGroup(String instance, EnrollmentGroup group, String expectedEtag) {
        return enrollments.replaceGroup(instance, group, expectedEtag);
    }

    @Override
    public boolean deleteGroup(String instance, String groupId, String expectedEtag) {
        return enrollments.deleteGroup(instance, groupId, expectedEtag);
    }

    @Override
    public List<EnrollmentGroup> groups(String instance, String afterId, int limit) {
        return enrollments.groups(instance, afterId, limit);
    }

    @Override
    public List<EnrollmentGroup> groupsByAttestation(String instance, String attestationType) {
        return enrollments.groupsByAttestation(instance, attestationType);
    }

    // ---- registrations

    @Override
    public Optional<RegistrationRecord> registration(String instance, String registrationId) {
        return registrations.registration(instance, registrationId);
    }

    @Override
    public void saveRegistration(String instance, RegistrationRecord record) {
        registrations.saveRegistration(instance, record);
    }

    @Override
    public boolean deleteRegistration(String instance, String registrationId, String expectedEtag) {
        return registrations.deleteRegistration(instance, registrationId, expectedEtag);
    }

    @Override
    public List<RegistrationRecord> registrationsOfGroup(String instance, String groupId, String afterId, int limit) {
        return registrations.registrationsOfGroup(instance, groupId, afterId, limit);
    }

    @Override
    public int deleteRegistrationsOfEnrollment(String instance, String enrollmentId, boolean group) {
        return registrations.deleteRegistrationsOfEnrollment(instance, enrollmentId, group);
    }

    // ---- operations

    @Override
    public void saveOperation(String instance, RegistrationOperation operation) {
        operations.saveOperation(instance, operation);
    }

    @Override
    public Optional<RegistrationOperation> operation(String instance, String operationId) {
        return operations.operation(instance, operationId);
    }

    @Override
    public List<RegistrationOperation> failedOperations(String instance, String registrationId, int limit) {
        return operations.failedOperations(instance, registrationId, limit);
    }

    @Override
    public List<RegistrationOperation> recentFailures(String instance, int limit) {
        return operations.recentFailures(instance, limit);
    }

    // ---- linked hubs

    @Override
    public List<LinkedHub> linkedHubs(String instance) {
        return linkedHubs.linkedHubs(instance);
    }

    @Override
    public void saveLinkedHub(String instance, LinkedHub hub) {
        linkedHubs.saveLinkedHub(instance, hub);
    }

    @Override
    public boolean removeLinkedHub(String instance, String hostName) {
        return linkedHubs.removeLinkedHub(instance, hostName);
    }

    // ---- usage

    @Override
    public void addUsage(String instance, OperationKind kind, Instant minute, long count) {
        usage.addUsage(instance, kind, minute, count);
    }

    @Override
    public Map<OperationKind, Long> usageSince(String instance, Instant since) {
        return usage.usageSince(instance, since);
    }

    @Override
    public List<MinuteCount> usageByMinute(String instance, Instant since) {
        return usage.usageByMinute(instance, since);
    }

    @Override
    public void addFailures(String instance, String reason, Instant minute, long count) {
        usage.addFailures(instance, reason, minute, count);
    }

    @Override
    public Map<String, Long> failuresSince(String instance, Instant since) {
        return usage.failuresSince(instance, since);
    }

    // ---- quotas

    @Override
    public boolean tryCount(String instance, String counter, Instant minute, int limit) {
        return quotas.tryCount(instance, counter, minute, limit);
    }

    @Override
    public long enrollmentCount(String instance) {
        return quotas.enrollmentCount(instance);
    }

    // ---- built-in hubs

    @Override
    public List<BuiltInHubConfig> builtInHubs() {
        return hubs.builtInHubs();
    }

    @Override
    public boolean createBuiltInHub(BuiltInHubConfig hub) {
        return hubs.createBuiltInHub(hub);
    }

    @Override
    public Optional<HubDevice> device(String hub, String deviceId) {
        return hubs.device(hub, deviceId);
    }

    @Override
    public boolean insertDevice(String hub, HubDevice device, DeviceTwin twin) {
        return hubs.insertDevice(hub, device, twin);
    }

    @Override
    public boolean replaceDevice(String hub, HubDevice device, String expectedEtag) {
        return hubs.replaceDevice(hub, device, expectedEtag);
    }

    @Override
    public boolean deleteDevice(String hub, String deviceId, String expectedEtag) {
        return hubs.deleteDevice(hub, deviceId, expectedEtag);
    }

    @Override
    public Optional<DeviceTwin> twin(String hub, String deviceId) {
        return hubs.twin(hub, deviceId);
    }

    @Override
    public boolean replaceTwin(String hub, DeviceTwin twin, long expectedVersion) {
        return hubs.replaceTwin(hub, twin, expectedVersion);
    }

    @Override
    public long deviceCount(String hub) {
        return hubs.deviceCount(hub);
    }

    @Override
    public List<TrustedCertificate> trustedCertificates(String hub) {
        return hubs.trustedCertificates(hub);
    }

    @Override
    public boolean addTrustedCertificate(String hub, TrustedCertificate certificate) {
        return hubs.addTrustedCertificate(hub, certificate);
    }

    @Override
    public boolean removeTrustedCertificate(String hub, String sha256Thumbprint) {
        return hubs.removeTrustedCertificate(hub, sha256Thumbprint);
    }

    // ---- CA certificates of instances

    @Override
    public List<CaCertificate> certificates(String instance) {
        return certificates.certificates(instance);
    }

    @Override
    public Optional<CaCertificate> certificate(String instance, String name) {
        return certificates.certificate(instance, name);
    }

    @Override
    public boolean insertCertificate(String instance, CaCertificate certificate) {
        return certificates.insertCertificate(instance, certificate);
    }

    @Override
    public boolean replaceCertificate(String instance, CaCertificate certificate, String expectedEtag) {
        return certificates.replaceCertificate(instance, certificate, expectedEtag);
    }

    @Override
    public boolean deleteCertificate(String instance, String name, String expectedEtag) {
        return certificates.deleteCertificate(instance, name, expectedEtag);
    }
}
