package dev.muster.core.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.muster.core.Json;
import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.DeviceWithTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.TrustedCertificate;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.LinkedHubStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.QuotaStore;
import dev.muster.core.operations.UsageStore;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Every core store interface in memory, with the semantics their javadoc (and the JDBC stores) promise:
 * conditional inserts and swaps, enrollment/registration/group IDs and hub host names under lower-cased keys,
 * case-sensitive hub device IDs, keyset paging by lower-cased ID. Documents are copied through the shared JSON
 * mapper on the way in and out, as a database would, so callers can never mutate what is stored.
 * All methods are synchronized on the store: simple and thread-safe.
 */
public final class InMemoryStore implements InstanceStore, EnrollmentStore, RegistrationStore, OperationStore,
        LinkedHubStore, UsageStore, HubStore, CertificateStore, QuotaStore, DeviceClaimStore {

    private record UsageKey(String instance, OperationKind kind, Instant minute) {}

    private record FailureKey(String instance, String reason, Instant minute) {}

    private record QuotaKey(String instance, String counter, Instant minute) {}

    private final Map<String, ProvisioningInstance> instances = new LinkedHashMap<>();
    private final Map<String, TreeMap<String, IndividualEnrollment>> enrollments = new HashMap<>();
    private final Map<String, TreeMap<String, EnrollmentGroup>> groups = new HashMap<>();
    private final Map<String, TreeMap<String, RegistrationRecord>> registrations = new HashMap<>();
    private final Map<String, Map<String, RegistrationOperation>> operations = new HashMap<>();
    private final Map<String, TreeMap<String, LinkedHub>> linkedHubs = new HashMap<>();
    private final Map<UsageKey, Long> usage = new HashMap<>();
    private final Map<FailureKey, Long> failures = new HashMap<>();
    private final Map<QuotaKey, Integer> quotaCounts = new HashMap<>();
    private final TreeMap<String, BuiltInHubConfig> hubs = new TreeMap<>();
    /** hub key → device ID (case-sensitive) → device / twin. */
    private final Map<String, TreeMap<String, HubDevice>> devices = new HashMap<>();
    private final Map<String, TreeMap<String, DeviceTwin>> twins = new HashMap<>();
    private final InMemoryHubModules hubModules = new InMemoryHubModules();
    private final Map<String, TreeMap<String, CaCertificate>> certificates = new HashMap<>();
    private final Map<String, LinkedHashMap<String, TrustedCertificate>> trusted = new HashMap<>();
    /** hub key + NUL + device ID → claim. */
    private final Map<String, DeviceClaim> claims = new HashMap<>();

    static String key(String id) {
        return id == null ? null : id.toLowerCase(Locale.ROOT);
    }

    /** A deep copy through the shared mapper: what a database round trip would give back. */
    @SuppressWarnings("unchecked")
    static <T> T copy(T value) {
        if (value == null) {
            return null;
        }
        try {
            return (T) Json.MAPPER.readValue(Json.write(value), value.getClass());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot round-trip " + value.getClass().getSimpleName(), e);
        }
    }

    private static <V> TreeMap<String, V> of(Map<String, TreeMap<String, V>> map, String instance) {
        return map.computeIfAbsent(instance, k -> new TreeMap<>());
    }

    private static <V> List<V> page(TreeMap<String, V> map, String afterId, int limit) {
        Map<String, V> tail = afterId == null ? map : map.tailMap(key(afterId), false);
        return tail.values().stream().limit(Math.max(0, limit)).map(InMemoryStore::copy).toList();
    }

    // ---- InstanceStore ---------------------------------------------------------------------------------------

    @Override
    public synchronized List<ProvisioningInstance> listInstances() {
        return instances.values().stream().sorted(Comparator.comparing(ProvisioningInstance::name))
                .map(InMemoryStore::copy).toList();
    }

    @Override
    public synchronized Optional<ProvisioningInstance> instanceByName(String name) {
        return Optional.ofNullable(instances.get(name)).map(InMemoryStore::copy);
    }

    @Override
    public synchronized Optional<ProvisioningInstance> instanceByIdScope(String idScope) {
        return instances.values().stream().filter(i -> Objects.equals(i.idScope(), idScope)).findFirst()
                .map(InMemoryStore::copy);
    }

    @Override
    public synchronized Optional<ProvisioningInstance> instanceByServiceHost(String hostName) {
        return instances.values().stream().filter(i -> i.serviceHostName() != null
                && i.serviceHostName().equalsIgnoreCase(hostName)).findFirst().map(InMemoryStore::copy);
    }

    @Override
    public synchronized boolean createInstance(ProvisioningInstance instance) {
        Objects.requireNonNull(instance.name(), "instance name");
        boolean taken = instances.values().stream().anyMatch(i -> i.name().equals(instance.name())
                || Objects.equals(i.idScope(), instance.idScope())
                || key(i.serviceHostName()) != null && key(i.serviceHostName()).equals(key(instance.serviceHostName())));
        if (taken) {
            return false;
        }
        instances.put(instance.name(), copy(instance));
        return true;
    }

    @Override
    public synchronized Optional<ProvisioningInstance> updateInstance(String name,
                                                                      UnaryOperator<ProvisioningInstance> change) {
        ProvisioningInstance current = instances.get(name);
        if (current == null) {
            return Optional.empty();
        }
        ProvisioningInstance changed = change.apply(copy(current));
        ProvisioningInstance next = new ProvisioningInstance(current.name(), current.idScope(),
                current.serviceHostName(), changed.allocationPolicy(), changed.policies(), changed.quotas());
        instances.put(name, copy(next));
        return Optional.of(copy(next));
    }

    @Override
    public synchronized boolean deleteInstance(String name) {
        if (instances.remove(name) == null) {
            return false;
        }
        enrollments.remove(name);
        groups.remove(name);
        registrations.remove(name);
        operations.remove(name);
        linkedHubs.remove(name);
        certificates.remove(name);
        usage.keySet().removeIf(k -> k.instance().equals(name));
        failures.keySet().removeIf(k -> k.instance().equals(name));
        quotaCounts.keySet().removeIf(k -> k.instance().equals(name));
        return true;
    }

    // ---- EnrollmentStore -------------------------------------------------------------------------------------

    @Override
    public synchronized Optional<IndividualEnrollment> enrollment(String instance, String registrationId) {
        return Optional.ofNullable(of(enrollments, instance).get(key(registrationId))).map(InMemoryStore::copy);
    }

    @Override
    public synchronized boolean insertEnrollment(String instance, IndividualEnrollment enrollment) {
        return insert(of(enrollments, instance), enrollment.registrationId(), enrollment);
    }

    @Override
    public synchronized boolean replaceEnrollment(String instance, IndividualEnrollment enrollment, String expectedEtag) {
        return replace(of(enrollments, instance), enrollment.registrationId(), enrollment, expectedEtag,
                IndividualEnrollment::etag);
    }

    @Override
    public synchronized boolean deleteEnrollment(String instance, String registrationId, String expectedEtag) {
        return delete(of(enrollments, instance), registrationId, expectedEtag, IndividualEnrollment::etag);
    }

    @Override
    public synchronized List<IndividualEnrollment> enrollments(String instance, String afterId, int limit) {
        return page(of(enrollments, instance), afterId, limit);
    }

    @Override
    public synchronized Optional<EnrollmentGroup> group(String instance, String groupId) {
        return Optional.ofNullable(of(groups, instance).get(key(groupId))).map(InMemoryStore::copy);
    }

    @Override
    public synchronized boolean insertGroup(String instance, EnrollmentGroup group) {
        return insert(of(groups, instance), group.enrollmentGroupId(), group);
    }

    @Override
    public synchronized boolean replaceGroup(String instance, EnrollmentGroup group, String expectedEtag) {
        return replace(of(groups, instance), group.enrollmentGroupId(), group, expectedEtag, EnrollmentGroup::etag);
    }

    @Override
    public synchronized boolean deleteGroup(String instance, String groupId, String expectedEtag) {
        return delete(of(groups, instance), groupId, expectedEtag, EnrollmentGroup::etag);
    }

    @Override
    public synchronized List<EnrollmentGroup> groups(String instance, String afterId, int limit) {
        return page(of(groups, instance), afterId, limit);
    }

    @Override
    public synchronized List<EnrollmentGroup> groupsByAttestation(String instance, String attestationType) {
        return of(groups, instance).values().stream()
                .filter(g -> attestationType(g.attestation()).equals(key(attestationType)))
                .map(InMemoryStore::copy).toList();
    }

    private static String attestationType(AttestationMechanism a) {
        return key(a == null || a.type() == null ? AttestationMechanism.NONE : a.type());
    }

    private static <T> boolean insert(TreeMap<String, T> table, String id, T doc) {
        String k = key(Objects.requireNonNull(id, "an enrollment must carry its ID"));
        if (table.containsKey(k)) {
            return false;
        }
        table.put(k, copy(doc));
        return true;
    }

    private static <T> boolean replace(TreeMap<String, T> table, String id, T doc, String expectedEtag,
                                       Function<T, String> etag) {
        String k = key(Objects.requireNonNull(id, "an enrollment must carry its ID"));
        T current = table.get(k);
        if (current == null || !Objects.equals(etag.apply(current), expectedEtag)) {
            return false;
        }
        table.put(k, copy(doc));
        return true;
    }

    private static <T> boolean delete(TreeMap<String, T> table, String id, String expectedEtag, Function<T, String> etag) {
        String k = key(id);
        T current = table.get(k);
        if (current == null || expectedEtag != null && !expectedEtag.equals(etag.apply(current))) {
            return false;
        }
        table.remove(k);
        return true;
    }

    // ---- RegistrationStore -----------------------------------------------------------------------------------

    @Override
    public synchronized Optional<RegistrationRecord> registration(String instance, String registrationId) {
        return Optional.ofNullable(of(registrations, instance).get(key(registrationId))).map(InMemoryStore::copy);
    }

    @Override
    public synchronized void saveRegistration(String instance, RegistrationRecord record) {
        DeviceRegistrationState state = Objects.requireNonNull(record.state(), "a registration record needs its state");
        of(registrations, instance).put(key(Objects.requireNonNull(state.registrationId(), "registrationId")),
                copy(record));
    }

    @Override
    public synchronized boolean saveRegistrationIf(String instance, RegistrationRecord record, String expectedEtag) {
        DeviceRegistrationState state = Objects.requireNonNull(record.state(), "a registration record needs its state");
        RegistrationRecord current = of(registrations, instance).get(key(state.registrationId()));
        boolean expected = expectedEtag == null ? current == null
                : current != null && expectedEtag.equals(current.state().etag());
        if (expected) {
            saveRegistration(instance, record);
        }
        return expected;
    }

    @Override
    public synchronized boolean deleteRegistration(String instance, String registrationId, String expectedEtag) {
        keepClaims(instance, registrationId);
        return delete(of(registrations, instance), registrationId, expectedEtag, r -> r.state().etag());
    }

    @Override
    public synchronized List<RegistrationRecord> registrationsOfGroup(String instance, String groupId, String afterId,
                                                                      int limit) {
        TreeMap<String, RegistrationRecord> ofGroup = new TreeMap<>();
        of(registrations, instance).forEach((k, r) -> {
            if (r.enrollmentGroupId() != null && key(r.enrollmentGroupId()).equals(key(groupId))) {
                ofGroup.put(k, r);
            }
        });
        return page(ofGroup, afterId, limit);
    }

    @Override
    public synchronized int deleteRegistrationsOfEnrollment(String instance, String enrollmentId, boolean group) {
        TreeMap<String, RegistrationRecord> table = of(registrations, instance);
        if (group) {
            table.values().stream().filter(r -> r.enrollmentGroupId() != null
                    && key(r.enrollmentGroupId()).equals(key(enrollmentId)))
                    .forEach(r -> keepClaims(instance, r.state().registrationId()));
            int before = table.size();
            table.values().removeIf(r -> r.enrollmentGroupId() != null
                    && key(r.enrollmentGroupId()).equals(key(enrollmentId)));
            return before - table.size();
        }
        // An individual enrollment owns only its own record that did not come through a group.
        RegistrationRecord own = table.get(key(enrollmentId));
        keepClaims(instance, enrollmentId);
        if (own != null && own.enrollmentGroupId() == null) {
            table.remove(key(enrollmentId));
            return 1;
        }
        return 0;
    }

    // ---- OperationStore --------------------------------------------------------------------------------------

    @Override
    public synchronized void saveOperation(String instance, RegistrationOperation operation) {
        Objects.requireNonNull(operation.operationId(), "operationId");
        Objects.requireNonNull(operation.registrationId(), "registrationId");
        Objects.requireNonNull(operation.createdAt(), "createdAt");
        operations.computeIfAbsent(instance, k -> new HashMap<>()).put(operation.operationId(), copyOperation(operation));
    }

    @Override
    public synchronized Optional<RegistrationOperation> operation(String instance, String operationId) {
        return Optional.ofNullable(operations.getOrDefault(instance, Map.of()).get(operationId))
                .map(InMemoryStore::copyOperation);
    }

    @Override
    public synchronized List<RegistrationOperation> failedOperations(String instance, String registrationId, int limit) {
        return newestFailures(instance, o -> key(o.registrationId()).equals(key(registrationId)), limit);
    }

    private List<RegistrationOperation> newestFailures(String instance, Predicate<RegistrationOperation> which, int limit) {
        return operations.getOrDefault(instance, Map.of()).values().stream()
                .filter(which)
                .filter(InMemoryStore::isFailure)
                .sorted(Comparator.comparing(RegistrationOperation::createdAt)
                        .thenComparing(RegistrationOperation::operationId).reversed())
                .limit(Math.max(0, limit))
                .map(InMemoryStore::copyOperation)
                .toList();
    }

    @Override
    public synchronized List<RegistrationOperation> recentFailures(String instance, int limit) {
        return newestFailures(instance, o -> true, limit);
    }

    /** A refused or failed attempt; "disabled" counts, as in the JDBC store. */
    private static boolean isFailure(RegistrationOperation operation) {
        String status = operation.result() == null ? null : operation.result().status();
        return operation.failureDetail() != null
                || DeviceRegistrationState.FAILED.equals(status)
                || DeviceRegistrationState.DISABLED.equals(status);
    }

    /** The shared mapper has no java.time support, so the Instant is carried over and only the result is copied. */
    private static RegistrationOperation copyOperation(RegistrationOperation o) {
        RegistrationOperationStatus result = copy(o.result());
        return new RegistrationOperation(o.operationId(), o.registrationId(), result, o.failureDetail(), o.createdAt());
    }

    /** Every stored operation of an instance, for assertions. */
    public synchronized List<RegistrationOperation> allOperations(String instance) {
        return operations.getOrDefault(instance, Map.of()).values().stream().map(InMemoryStore::copyOperation).toList();
    }

    // ---- LinkedHubStore --------------------------------------------------------------------------------------

    @Override
    public synchronized List<LinkedHub> linkedHubs(String instance) {
        return List.copyOf(of(linkedHubs, instance).values());
    }

    @Override
    public synchronized void saveLinkedHub(String instance, LinkedHub hub) {
        of(linkedHubs, instance).put(key(Objects.requireNonNull(hub.hostName(), "hostName")), hub);
    }

    @Override
    public synchronized boolean removeLinkedHub(String instance, String hostName) {
        return of(linkedHubs, instance).remove(key(hostName)) != null;
    }

    // ---- UsageStore ------------------------------------------------------------------------------------------

    @Override
    public synchronized void addUsage(String instance, OperationKind kind, Instant minute, long count) {
        usage.merge(new UsageKey(instance, kind, minute), count, Long::sum);
    }

    /** Sums the minutes starting at or after {@code since}. */
    @Override
    public synchronized Map<OperationKind, Long> usageSince(String instance, Instant since) {
        Map<OperationKind, Long> out = new EnumMap<>(OperationKind.class);
        usage.forEach((k, n) -> {
            if (k.instance().equals(instance) && !k.minute().isBefore(since)) {
                out.merge(k.kind(), n, Long::sum);
            }
        });
        return out;
    }

    @Override
    public synchronized List<MinuteCount> usageByMinute(String instance, Instant since) {
        return usage.entrySet().stream()
                .filter(e -> e.getKey().instance().equals(instance) && !e.getKey().minute().isBefore(since))
                .map(e -> new MinuteCount(e.getKey().minute(), e.getKey().kind(), e.getValue()))
                .sorted(Comparator.comparing(MinuteCount::minute).thenComparing(MinuteCount::kind))
                .toList();
    }

    @Override
    public synchronized void addFailures(String instance, String reason, Instant minute, long count) {
        failures.merge(new FailureKey(instance, reason, minute), count, Long::sum);
    }

    @Override
    public synchronized Map<String, Long> failuresSince(String instance, Instant since) {
        Map<String, Long> out = new TreeMap<>();
        failures.forEach((k, n) -> {
            if (k.instance().equals(instance) && !k.minute().isBefore(since)) {
                out.merge(k.reason(), n, Long::sum);
            }
        });
        return out;
    }

    // ---- QuotaStore ------------------------------------------------------------------------------------------

    @Override
    public synchronized boolean tryCount(String instance, String counter, Instant minute, int limit) {
        QuotaKey k = new QuotaKey(instance, counter, minute);
        int used = quotaCounts.getOrDefault(k, 0);
        if (used >= limit) {
            return false;
        }
        quotaCounts.put(k, used + 1);
        return true;
    }

    @Override
    public synchronized long enrollmentCount(String instance) {
        return of(enrollments, instance).size() + of(groups, instance).size();
    }

    // ---- HubStore --------------------------------------------------------------------------------------------

    @Override
    public synchronized List<BuiltInHubConfig> builtInHubs() {
        return List.copyOf(hubs.values());
    }

    @Override
    public synchronized boolean createBuiltInHub(BuiltInHubConfig hub) {
        return hubs.putIfAbsent(key(Objects.requireNonNull(hub.hostName(), "hostName")), hub) == null;
    }

    @Override
    public synchronized Optional<HubDevice> device(String hub, String deviceId) {
        return Optional.ofNullable(of(devices, key(hub)).get(deviceId)).map(InMemoryStore::copy);
    }

    /** Device and twin together or neither. */
    @Override
    public synchronized boolean insertDevice(String hub, HubDevice device, DeviceTwin twin) {
        String deviceId = Objects.requireNonNull(device.deviceId(), "deviceId");
        if (!deviceId.equals(twin.deviceId())) {
            throw new IllegalArgumentException("the twin of device " + deviceId + " names device " + twin.deviceId());
        }
        TreeMap<String, HubDevice> registry = of(devices, key(hub));
        if (registry.containsKey(deviceId)) {
            return false;
        }
        registry.put(deviceId, copy(device));
        of(twins, key(hub)).put(deviceId, copy(twin));
        return true;
    }

    @Override
    public synchronized boolean replaceDevice(String hub, HubDevice device, String expectedEtag) {
        TreeMap<String, HubDevice> registry = of(devices, key(hub));
        HubDevice current = registry.get(device.deviceId());
        if (current == null || !Objects.equals(current.etag(), expectedEtag)) {
            return false;
        }
        registry.put(device.deviceId(), copy(device));
        return true;
    }

    @Override
    public synchronized boolean deleteDevice(String hub, String deviceId, String expectedEtag) {
        TreeMap<String, HubDevice> registry = of(devices, key(hub));
        HubDevice current = registry.get(deviceId);
        if (current == null || expectedEtag != null && !expectedEtag.equals(current.etag())) {
            return false;
        }
        registry.remove(deviceId);
        of(twins, key(hub)).remove(deviceId);
        hubModules.deviceDeleted(key(hub), deviceId);
        return true;
    }

    @Override
    public synchronized Optional<DeviceTwin> twin(String hub, String deviceId) {
        return Optional.ofNullable(of(twins, key(hub)).get(deviceId)).map(InMemoryStore::copy);
    }

    @Override
    public synchronized boolean replaceTwin(String hub, DeviceTwin twin, long expectedVersion) {
        TreeMap<String, DeviceTwin> table = of(twins, key(hub));
        DeviceTwin current = table.get(twin.deviceId());
        if (current == null || current.version() != expectedVersion) {
            return false;
        }
        table.put(twin.deviceId(), copy(twin));
        return true;
    }

    @Override
    public synchronized long deviceCount(String hub) {
        return of(devices, key(hub)).size();
    }

    @Override
    public synchronized long disabledDeviceCount(String hub) {
        return of(devices, key(hub)).values().stream().filter(d -> "disabled".equalsIgnoreCase(d.status())).count();
    }

    @Override
    public synchronized Optional<HubModule> module(String hub, String deviceId, String moduleId) {
        return hubModules.module(key(hub), deviceId, moduleId);
    }

    @Override
    public synchronized List<HubModule> modules(String hub, String deviceId) {
        return hubModules.modules(key(hub), deviceId);
    }

    @Override
    public synchronized boolean insertModule(String hub, HubModule module, DeviceTwin twin) {
        return of(devices, key(hub)).containsKey(module.deviceId()) && hubModules.insert(key(hub), module, twin);
    }

    @Override
    public synchronized boolean replaceModule(String hub, HubModule module, String expectedEtag) {
        return hubModules.replace(key(hub), module, expectedEtag);
    }

    @Override
    public synchronized boolean deleteModule(String hub, String deviceId, String moduleId, String expectedEtag) {
        return hubModules.delete(key(hub), deviceId, moduleId, expectedEtag);
    }

    @Override
    public synchronized Optional<DeviceTwin> moduleTwin(String hub, String deviceId, String moduleId) {
        return hubModules.twin(key(hub), deviceId, moduleId);
    }

    @Override
    public synchronized boolean replaceModuleTwin(String hub, String moduleId, DeviceTwin twin, long expectedVersion) {
        return hubModules.replaceTwin(key(hub), moduleId, twin, expectedVersion);
    }

    @Override
    public synchronized List<HubDevice> devicesAfter(String hub, String afterDeviceId, int limit) {
        return devicePage(of(devices, key(hub)), afterDeviceId, limit).stream().map(InMemoryStore::copy).toList();
    }

    @Override
    public synchronized List<DeviceWithTwin> devicesWithTwinsAfter(String hub, String afterDeviceId, int limit) {
        TreeMap<String, DeviceTwin> table = of(twins, key(hub));
        return devicePage(of(devices, key(hub)), afterDeviceId, limit).stream()
                .map(d -> new DeviceWithTwin(copy(d), copy(table.get(d.deviceId())))).toList();
    }

    /** Device IDs are case-sensitive: paged on the ID itself, not a lower-cased key. */
    private static List<HubDevice> devicePage(TreeMap<String, HubDevice> registry, String afterDeviceId, int limit) {
        var tail = afterDeviceId == null ? registry : registry.tailMap(afterDeviceId, false);
        return tail.values().stream().limit(limit).toList();
    }

    /** Device IDs of a hub, in order, for assertions. */
    public synchronized List<String> deviceIds(String hub) {
        return new ArrayList<>(of(devices, key(hub)).keySet());
    }

    // ---- CA certificates of instances

    @Override
    public synchronized List<CaCertificate> certificates(String instance) {
        return new ArrayList<>(of(certificates, instance).values());
    }

    @Override
    public synchronized Optional<CaCertificate> certificate(String instance, String name) {
        return Optional.ofNullable(of(certificates, instance).get(key(name)));
    }

    @Override
    public synchronized boolean insertCertificate(String instance, CaCertificate certificate) {
        return of(certificates, instance).putIfAbsent(key(certificate.name()), certificate) == null;
    }

    @Override
    public synchronized boolean replaceCertificate(String instance, CaCertificate certificate, String expectedEtag) {
        CaCertificate old = of(certificates, instance).get(key(certificate.name()));
        if (old == null || !Objects.equals(old.etag(), expectedEtag)) {
            return false;
        }
        of(certificates, instance).put(key(certificate.name()), certificate);
        return true;
    }

    @Override
    public synchronized boolean deleteCertificate(String instance, String name, String expectedEtag) {
        CaCertificate old = of(certificates, instance).get(key(name));
        if (old == null || expectedEtag != null && !expectedEtag.equals(old.etag())) {
            return false;
        }
        of(certificates, instance).remove(key(name));
        return true;
    }

    // ---- hub trusted CA certificates

    @Override
    public synchronized List<TrustedCertificate> trustedCertificates(String hub) {
        return new ArrayList<>(trusted.getOrDefault(key(hub), new LinkedHashMap<>()).values());
    }

    @Override
    public synchronized boolean addTrustedCertificate(String hub, TrustedCertificate certificate) {
        return trusted.computeIfAbsent(key(hub), k -> new LinkedHashMap<>())
                .putIfAbsent(certificate.sha256Thumbprint(), certificate) == null;
    }

    @Override
    public synchronized boolean removeTrustedCertificate(String hub, String sha256Thumbprint) {
        return trusted.getOrDefault(key(hub), new LinkedHashMap<>()).remove(sha256Thumbprint) != null;
    }

    // ---- hub device claims

    private static String claimKey(String hub, String deviceId) {
        return key(hub) + '\0' + deviceId;
    }

    /** Claims as the database keeps them: registration ID as its key. */
    private final Set<String> keptClaims = new HashSet<>();

    private void keepClaims(String instance, String registrationId) {
        claims.forEach((k, c) -> {
            if (c.ownerInstance().equals(instance) && c.registrationId().equals(key(registrationId))) {
                keptClaims.add(k);
            }
        });
    }

    @Override
    public synchronized Optional<DeviceClaim> deviceClaim(String hubHostName, String deviceId) {
        return Optional.ofNullable(claims.get(claimKey(hubHostName, deviceId)));
    }

    @Override
    public synchronized boolean insertDeviceClaim(DeviceClaim claim) {
        DeviceClaim stored = new DeviceClaim(claim.hubHostName(), claim.deviceId(), claim.ownerIdScope(),
                claim.ownerInstance(), key(claim.registrationId()), claim.claimedDateTimeUtc());
        String k = claimKey(claim.hubHostName(), claim.deviceId());
        if (claims.putIfAbsent(k, stored) != null) {
            return false;
        }
        keptClaims.remove(k);
        return true;
    }

    @Override
    public synchronized boolean deleteDeviceClaim(String hubHostName, String deviceId, String ownerIdScope) {
        DeviceClaim held = claims.get(claimKey(hubHostName, deviceId));
        if (held == null || !held.ownerIdScope().equals(ownerIdScope)) {
            return false;
        }
        claims.remove(claimKey(hubHostName, deviceId));
        return true;
    }

    @Override
    public synchronized List<DeviceClaim> claimsMadeUntil(DeviceClaim after, String untilUtc, int limit) {
        java.util.Comparator<DeviceClaim> order = java.util.Comparator.comparing(DeviceClaim::claimedDateTimeUtc)
                .thenComparing(c -> key(c.hubHostName())).thenComparing(DeviceClaim::deviceId);
        return claims.entrySet().stream()
                .filter(e -> !keptClaims.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .filter(c -> c.claimedDateTimeUtc().compareTo(untilUtc) <= 0)
                .filter(c -> after == null || order.compare(c, after) > 0)
                .sorted(order).limit(limit).toList();
    }

    private final Map<String, String> sweeps = new HashMap<>();

    @Override
    public synchronized Optional<String> sweptUntil(String sweep) {
        return Optional.ofNullable(sweeps.get(sweep));
    }

    @Override
    public synchronized boolean advanceSweep(String sweep, String expected, String untilUtc) {
        if (!java.util.Objects.equals(sweeps.get(sweep), expected)) {
            return false;
        }
        sweeps.put(sweep, untilUtc);
        return true;
    }
}
