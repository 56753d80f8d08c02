package dev.muster.core.registration;

import dev.muster.core.IfMatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.allocation.Allocation;
import dev.muster.core.allocation.AllocationContext;
import dev.muster.core.allocation.AllocationFailure;
import dev.muster.core.allocation.HubSelector;
import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationIds;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubClients;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.LinkedHubStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.x509.CaCertificate;
import dev.muster.core.x509.CertificateStore;
import dev.muster.core.x509.ChainVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registration, the heart of DPS: attest the device, pick its hub ({@link HubSelector}), create its hub identity and
 * initial twin, keep the registration record. Synchronous and transport-free; every transport calls the same
 * methods so an enrollment gives byte-identical results over each.
 */
public final class RegistrationService {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationService.class);
    /** How long an unknown but well-formed operation ID is still answered "assigning" (it may be in flight elsewhere). */
    static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(60);
    /** The failure a device gets when its device ID in the chosen hub belongs to another instance. */
    public static final int DEVICE_ID_TAKEN = 409002;
    private static final int LOCK_STRIPES = 256;

    private final InstanceStore instances;
    private final EnrollmentStore enrollments;
    private final RegistrationStore registrations;
    private final OperationStore operations;
    private final LinkedHubStore linkedHubs;
    private final HubClients hubClients;
    private final HubDeviceOwnership ownership;
    private final UsageMeter usage;
    private final Clock clock;
    private final DeviceAuthenticator authenticator;
    private final HubSelector selector;
    private final CsrIssuanceStep csrs;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private volatile RegistrationListener listener = RegistrationListener.NONE;
    private volatile QuotaGuard quotas;

    private RegistrationService(Builder b) {
        this.instances = Builder.required(b.instances, "instances");
        this.enrollments = Builder.required(b.enrollments, "enrollments");
        this.registrations = Builder.required(b.registrations, "registrations");
        this.operations = Builder.required(b.operations, "operations");
        this.linkedHubs = Builder.required(b.linkedHubs, "linkedHubs");
        this.hubClients = Builder.required(b.hubClients, "hubClients");
        this.usage = Builder.required(b.usage, "usage");
        this.clock = Builder.required(b.clock, "clock");
        this.ownership = new HubDeviceOwnership(Builder.required(b.deviceClaims, "deviceClaims"), clock);
        this.selector = b.selector == null ? new HubSelector() : b.selector;
        this.csrs = new CsrIssuanceStep(b.issuance);
        CertificateStore certificates = b.certificates == null ? new NoCertificates() : b.certificates;
        ChainVerifier chains = b.chains == null ? new ChainVerifier(clock) : b.chains;
        this.authenticator = new DeviceAuthenticator(enrollments, new SasVerifier(clock), b.tpmKeys,
                new X509Authenticator(enrollments, certificates, chains));
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * The stores, hub clients, usage meter and clock are required; left out, the rest default to what tools and
     * tests want: no TPM keys (TPM devices refused), hashed allocation only, no CA certificates.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Named options instead of a dozen positional ones, most of them stores of the same type in one store. */
    public static final class Builder {
        private InstanceStore instances;
        private EnrollmentStore enrollments;
        private RegistrationStore registrations;
        private OperationStore operations;
        private LinkedHubStore linkedHubs;
        private HubClients hubClients;
        private DeviceClaimStore deviceClaims;
        private UsageMeter usage;
        private Clock clock;
        private TpmKeys tpmKeys;
        private HubSelector selector;
        private CertificateStore certificates;
        private ChainVerifier chains;
        private CertificateIssuance issuance;

        private Builder() {
        }

        public Builder instances(InstanceStore instances) {
            this.instances = instances;
            return this;
        }

        public Builder enrollments(EnrollmentStore enrollments) {
            this.enrollments = enrollments;
            return this;
        }

        public Builder registrations(RegistrationStore registrations) {
            this.registrations = registrations;
            return this;
        }

        public Builder operations(OperationStore operations) {
            this.operations = operations;
            return this;
        }

        public Builder linkedHubs(LinkedHubStore linkedHubs) {
            this.linkedHubs = linkedHubs;
            return this;
        }

        public Builder hubClients(HubClients hubClients) {
            this.hubClients = hubClients;
            return this;
        }

        /** Which instance owns each hub device: the shared built-in hubs hold every tenant's devices. */
        public Builder deviceClaims(DeviceClaimStore deviceClaims) {
            this.deviceClaims = deviceClaims;
            return this;
        }

        public Builder usage(UsageMeter usage) {
            this.usage = usage;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Derives TPM challenge and hub keys; without them TPM devices are refused. */
        public Builder tpmKeys(TpmKeys tpmKeys) {
            this.tpmKeys = tpmKeys;
            return this;
        }

        /** Chooses each device's hub by allocation policy; without it, hashed allocation only. */
        public Builder selector(HubSelector selector) {
            this.selector = selector;
            return this;
        }

        /** The instances' CA certificates (caReferences, verified CAs for intermediate signers); default none. */
        public Builder certificates(CertificateStore certificates) {
            this.certificates = certificates;
            return this;
        }

        /** Validates X.509 devices' certificate chains; pass the server's one so its cache is shared. */
        public Builder chains(ChainVerifier chains) {
            this.chains = chains;
            return this;
        }

        /** Issues certificates to devices that send a CSR; without it a CSR is refused. */
        public Builder issuance(CertificateIssuance issuance) {
            this.issuance = issuance;
            return this;
        }

        /** @throws IllegalStateException naming the first required option left out */
        public RegistrationService build() {
            return new RegistrationService(this);
        }

        private static <T> T required(T value, String option) {
            if (value == null) {
                throw new IllegalStateException("RegistrationService needs " + option + "(...) before build()");
            }
            return value;
        }
    }

    /** Who hears of each finished registration attempt (the live view); one listener, replaced by each call. */
    public void onFinished(RegistrationListener listener) {
        this.listener = listener == null ? RegistrationListener.NONE : listener;
    }

    /** Enforces the instances' registrations-per-minute quotas (none without this). */
    public RegistrationService limitedBy(QuotaGuard guard) {
        this.quotas = guard;
        return this;
    }

    public String newOperationId() {
        return OperationIds.next(clock.millis());
    }

    /**
     * Registers a device. Refusals the device must see as HTTP errors (bad input, unauthorized) are thrown as
     * {@link ProvisioningException}; outcomes (assigned, failed, disabled) are returned and stored for polling.
     */
    public RegistrationOperationStatus register(RegistrationRequest request, String operationId) {
        ProvisioningInstance instance = instance(request.idScope());
        String registrationId = RegistrationIds.requireValid(request.registrationId(), "registrationId");
        admit(instance);
        checkBody(request.body(), registrationId);
        Enrollment enrollment;
        EnrollmentMatch match;
        DeviceAuthenticator.Outcome outcome = authenticator.authenticate(instance.name(), request.idScope(),
                registrationId, withTpmKeys(request.credentials(), request.body()));
        if (outcome instanceof DeviceAuthenticator.Challenged challenge) {
            throw new TpmChallenge(challenge.authenticationKey());
        }
        if (outcome instanceof DeviceAuthenticator.Refused refused) {
            recordFailure(instance, registrationId, operationId, 401002, "Unauthorized", refused.reason());
            throw ProvisioningException.unauthorized();
        }
        match = ((DeviceAuthenticator.Accepted) outcome).match();
        enrollment = match.enrollment();
        if (!enrollment.isEnabled()) {
            return finish(instance, operationId, registrationId, disabled(registrationId, enrollment),
                    "the " + (enrollment.isGroup() ? "enrollment group '" : "enrollment '") + enrollment.id()
                            + "' is disabled", OperationKind.FAILED_REGISTRATION);
        }
        CsrIssuanceStep.Pending csr;
        try {
            csr = csrs.check(instance.name(), request, enrollment);
        } catch (CsrRefused refused) {
            recordFailure(instance, registrationId, operationId, refused.errorCode(), refused.getMessage(),
                    refused.reason());
            throw refused;
        }
        // Choosing the hub may call a webhook for seconds: do it before taking the device's lock, from a snapshot of
        // its current assignment. Whether and how the device moves is decided under the lock; the snapshot is read
        // again only if another request of this node held the lock meanwhile (any other change, e.g. by another node,
        // makes the conditional write in assign fail, and the winner's assignment stands).
        Optional<RegistrationRecord> snapshot = registrations.registration(instance.name(), registrationId);
        List<LinkedHub> links = linkedHubs.linkedHubs(instance.name());
        Allocation allocation;
        try {
            allocation = selector.select(new AllocationContext(instance.allocationPolicy(), enrollment, registrationId,
                    request.payload(), currentAssignment(snapshot), links));
        } catch (AllocationFailure f) {
            return fail(instance, registrationId, operationId, f.errorCode(), f.getMessage(), f.detail());
        }
        ReentrantLock lock = locks[Math.floorMod(RegistrationIds.key(registrationId).hashCode(), LOCK_STRIPES)];
        if (!lock.tryLock()) {
            lock.lock();
            snapshot = registrations.registration(instance.name(), registrationId);
        }
        try {
            return assign(instance, registrationId, operationId, match, allocation, snapshot, links, csr);
        } finally {
            lock.unlock();
        }
    }

    private void admit(ProvisioningInstance instance) {
        QuotaGuard guard = quotas;
        if (guard == null) {
            return;
        }
        try {
            guard.admitRegistration(instance);
        } catch (ProvisioningException throttled) {
            usage.recordFailure(instance.name(), FailureReason.QUOTA_EXCEEDED);
            throw throttled;
        }
    }

    private static AllocationContext.CurrentAssignment currentAssignment(Optional<RegistrationRecord> record) {
        return record.map(RegistrationRecord::state)
                .filter(s -> DeviceRegistrationState.ASSIGNED.equals(s.status()) && s.assignedHub() != null)
                .map(s -> new AllocationContext.CurrentAssignment(s.assignedHub(), s.deviceId()))
                .orElse(null);
    }

    /**
     * @param previous the device's registration record as read before (its etag guards the write)
     * @param links the instance's linked hubs
     * @param csr the device's accepted CSR, signed once the device is assigned; null when it sent none
     */
    private RegistrationOperationStatus assign(ProvisioningInstance instance, String registrationId, String operationId,
                                               EnrollmentMatch match, Allocation allocation,
                                               Optional<RegistrationRecord> previous, List<LinkedHub> links,
                                               CsrIssuanceStep.Pending csr) {
        Enrollment enrollment = match.enrollment();
        String deviceId = enrollment.deviceId() != null ? enrollment.deviceId() : registrationId;
        Optional<RegistrationRecord> assignedBefore = previous
                .filter(r -> DeviceRegistrationState.ASSIGNED.equals(r.state().status()) && r.state().assignedHub() != null);
        LinkedHub target = allocation.hub();
        // A custom-allocation webhook's twin replaces the enrollment's (and migrated data) wherever the device is created.
        TwinState initialTwin = allocation.initialTwin() != null ? allocation.initialTwin() : enrollment.initialTwin();
        ReprovisionPolicy policy = enrollment.reprovisionPolicy() == null
                ? ReprovisionPolicy.DEFAULT : enrollment.reprovisionPolicy().withDefaults();
        HubDevice identity = HubDevice.of(deviceId, csr != null ? csr.hubAuthentication() : match.hubAuthentication(),
                enrollment.capabilities() == null ? DeviceCapabilities.NONE : enrollment.capabilities());
        String substatus;
        String hubHost;
        String initialHub;
        boolean createdHere;
        HubClient usedHub;
        HubDeviceOwnership.Claim claim = null;
        String claimedIn = null;
        try {
            if (assignedBefore.isPresent()) {
                RegistrationRecord before = assignedBefore.get();
                String oldHub = before.state().assignedHub();
                String oldDeviceId = before.state().deviceId();
                Optional<LinkedHub> oldLink = links.stream().filter(h -> h.hostName().equalsIgnoreCase(oldHub)).findFirst();
                boolean stay = oldHub.equalsIgnoreCase(target.hostName()) || !policy.updateHubAssignment();
                initialHub = before.initialHub() != null ? before.initialHub() : oldHub;
                boolean onOldHub = stay && oldLink.isPresent();
                hubHost = onOldHub ? oldHub : target.hostName();
                claimedIn = hubHost;
                claim = ownership.claim(instance, registrationId, hubHost, deviceId, false);
                if (claim instanceof HubDeviceOwnership.Claim.HeldByOther other) {
                    return deviceIdTaken(instance, registrationId, operationId, other.owner());
                }
                usedHub = hubClients.forHub(onOldHub ? oldLink.get() : target);
                boolean sameDevice = onOldHub && oldDeviceId.equals(deviceId);
                // The device the record names is touched (read for migration, deleted) only if it is this instance's:
                // a record written before claims existed may name another instance's device.
                Optional<HubClient> oldDevice = sameDevice ? Optional.empty()
                        : oldLink.filter(l -> ownership.owns(instance, oldHub, oldDeviceId)).map(hubClients::forHub);
                if (onOldHub) {
                    createdHere = HubDeviceWrites.ensureIdentity(usedHub, identity, initialTwin);
                    oldDevice.ifPresent(h -> remove(instance, h, oldDeviceId));
                    substatus = before.state().substatus();
                } else {
                    boolean migrate = policy.migrateDeviceData() && oldDevice.isPresent() && allocation.initialTwin() == null;
                    createdHere = migrate
                            ? HubDeviceWrites.migrate(oldDevice.get(), oldDeviceId, usedHub, identity, initialTwin)
                            : HubDeviceWrites.create(usedHub, identity, initialTwin);
                    oldDevice.ifPresent(h -> remove(instance, h, oldDeviceId));
                    // As Azure: whichever hub it lands on, even the first one again.
                    substatus = migrate ? DeviceRegistrationState.DEVICE_DATA_MIGRATED
                            : DeviceRegistrationState.DEVICE_DATA_RESET;
                }
            } else {
                hubHost = target.hostName();
                initialHub = hubHost;
                claimedIn = hubHost;
                claim = ownership.claim(instance, registrationId, hubHost, deviceId, true);
                if (claim instanceof HubDeviceOwnership.Claim.HeldByOther other) {
                    return deviceIdTaken(instance, registrationId, operationId, other.owner());
                }
                usedHub = hubClients.forHub(target);
                createdHere = HubDeviceWrites.create(usedHub, identity, initialTwin);
                // Azure (API 2019-04-15 on): no record of having provisioned it, but the hub already had the device
                // (its record was deleted, or the device was made in the hub directly).
                substatus = createdHere ? DeviceRegistrationState.INITIAL_ASSIGNMENT
                        : DeviceRegistrationState.REPROVISIONED_TO_INITIAL;
            }
        } catch (HubException e) {
            if (claim instanceof HubDeviceOwnership.Claim.Owned owned && owned.fresh()) {
                // nothing of this request is left in the hub (create cleans up after itself)
                ownership.release(instance, claimedIn, deviceId);
            }
            boolean refused = e.unauthorized();
            return fail(instance, registrationId, operationId, refused ? 400209 : 500201,
                    refused ? "The IoT hub " + e.hostName() + " refused the provisioning service's credentials."
                            : "The IoT hub " + e.hostName() + " could not complete the request.",
                    "hub " + e.hostName() + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        String created = previous.map(r -> r.state().createdDateTimeUtc()).orElse(Timestamps.format(now));
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, created, hubHost, deviceId,
                DeviceRegistrationState.ASSIGNED, substatus, null, null, Timestamps.format(now), Ids.etag(),
                allocation.payload(),
                match.tpmResult() == null && !enrollment.attestation().isX509() ? attestationResult(enrollment) : null,
                enrollment.attestation().isX509() ? attestationResult(enrollment) : null, match.tpmResult());
        // The record keeps no activation blob: it is the device's alone, in its operation result.
        DeviceRegistrationState record = match.tpmResult() == null ? state
                : new DeviceRegistrationState(state.registrationId(), state.createdDateTimeUtc(), state.assignedHub(),
                        state.deviceId(), state.status(), state.substatus(), null, null, state.lastUpdatedDateTimeUtc(),
                        state.etag(), state.payload(), null, null, Json.object());
        // The in-process lock only orders this node's requests; across nodes the database decides (one conditional
        // write per registration ID), and the loser adopts the winner's assignment.
        if (!registrations.saveRegistrationIf(instance.name(),
                new RegistrationRecord(record, enrollment.isGroup() ? enrollment.id() : null, initialHub),
                previous.map(r -> r.state().etag()).orElse(null))) {
            return lostRace(instance, registrationId, operationId, state, createdHere ? usedHub : null);
        }
        if (csr != null) {
            // Signed only once the assignment stands; the chain is the device's alone, in its operation result.
            state = state.withIssuedCertificateChain(csrs.issue(instance.name(), registrationId, csr));
        }
        RegistrationOperationStatus result = new RegistrationOperationStatus(operationId, DeviceRegistrationState.ASSIGNED,
                state);
        OperationKind kind = previous.isPresent() ? OperationKind.RE_REGISTRATION : OperationKind.REGISTRATION;
        operations.saveOperation(instance.name(), new RegistrationOperation(operationId, registrationId, result, null, now));
        usage.record(instance.name(), kind);
        announce(RegistrationEvent.of(instance.name(), state, null, now));
        LOG.debug("registered {} in {} as {} ({}, {} allocation)", registrationId, hubHost, deviceId, substatus,
                allocation.policy());
        return result;
    }

    /**
     * Another node (or request) saved this device's record between our read and our write. Its assignment stands:
     * a device this request created in another hub is removed again, and the device is told the winner's hub and
     * device ID (with its own attestation result, e.g. its TPM activation blob).
     *
     * @param createdIn the hub this request created a new device in, or null
     */
    private RegistrationOperationStatus lostRace(ProvisioningInstance instance, String registrationId,
                                                 String operationId, DeviceRegistrationState ours, HubClient createdIn) {
        Optional<DeviceRegistrationState> winner = registrations.registration(instance.name(), registrationId)
                .map(RegistrationRecord::state)
                .filter(w -> DeviceRegistrationState.ASSIGNED.equals(w.status()) && w.assignedHub() != null);
        boolean sameDevice = winner.isPresent() && winner.get().assignedHub().equalsIgnoreCase(ours.assignedHub())
                && winner.get().deviceId().equals(ours.deviceId());
        if (createdIn != null && !sameDevice) {
            remove(instance, createdIn, ours.deviceId());
        }
        if (winner.isEmpty()) {
            return fail(instance, registrationId, operationId, 409001,
                    "The registration changed while it was being assigned; register again.",
                    "a concurrent request removed or changed the registration record");
        }
        DeviceRegistrationState w = winner.get();
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, w.createdDateTimeUtc(),
                w.assignedHub(), w.deviceId(), DeviceRegistrationState.ASSIGNED, w.substatus(), null, null,
                w.lastUpdatedDateTimeUtc(), w.etag(), ours.payload(), ours.symmetricKey(), ours.x509(), ours.tpm());
        RegistrationOperationStatus result = new RegistrationOperationStatus(operationId, DeviceRegistrationState.ASSIGNED,
                state);
        operations.saveOperation(instance.name(),
                new RegistrationOperation(operationId, registrationId, result, null, clock.instant()));
        usage.record(instance.name(), OperationKind.RE_REGISTRATION);
        LOG.debug("registration {} raced another request; it keeps {} in {}", registrationId, w.deviceId(),
                w.assignedHub());
        return result;
    }

    /** Azure echoes the attestation kind ({@code "x509": {}} or {@code "symmetricKey": {}}); for groups it names the group. */
    private static ObjectNode attestationResult(Enrollment enrollment) {
        ObjectNode node = Json.object();
        if (enrollment.isGroup()) {
            node.put("enrollmentGroupId", enrollment.id());
        }
        return node;
    }

    /** For a service built without a certificate store: no instance has CA certificates. */
    private static final class NoCertificates implements CertificateStore {
        @Override public List<CaCertificate> certificates(String instance) { return List.of(); }
        @Override public Optional<CaCertificate> certificate(String instance, String name) { return Optional.empty(); }
        @Override public boolean insertCertificate(String instance, CaCertificate c) { return false; }
        @Override public boolean replaceCertificate(String instance, CaCertificate c, String etag) { return false; }
        @Override public boolean deleteCertificate(String instance, String name, String etag) { return false; }
    }

    /** Deletes a device of the instance's from a hub and gives up its claim (kept if the delete failed). */
    private void remove(ProvisioningInstance instance, HubClient hub, String deviceId) {
        if (HubDeviceWrites.safeDelete(hub, deviceId)) {
            ownership.release(instance, hub.hostName(), deviceId);
        }
    }

    /**
     * Another instance holds the device ID in the hub. The device hears only that the ID is in use; this instance's
     * operators read which device and hub (never which instance: that is another tenant's business); the server
     * log names the owner for Muster's operator.
     */
    private RegistrationOperationStatus deviceIdTaken(ProvisioningInstance instance, String registrationId,
                                                      String operationId, DeviceClaim owner) {
        LOG.warn("instance {} may not provision device {} in hub {}: instance {} (ID scope {}) holds it since {}",
                instance.name(), owner.deviceId(), owner.hubHostName(), owner.ownerInstance(), owner.ownerIdScope(),
                owner.claimedDateTimeUtc());
        return fail(instance, registrationId, operationId, DEVICE_ID_TAKEN,
                "The device ID is already in use in the IoT hub; the device was not assigned.",
                "device ID '" + owner.deviceId() + "' in hub " + owner.hubHostName() + " belongs to another"
                        + " provisioning service instance; give the enrollment another deviceId");
    }

    // ---- attestation outside a register request (AMQP SASL TPM) --------------------------------------------------

    /**
     * The TPM challenge for a device that announces its EK and SRK in a SASL exchange: the base64 activation blob.
     * A device that is not enrolled with that EK gets a 401 (the reason is recorded for operators).
     */
    public String tpmChallenge(String idScope, String registrationId, String endorsementKey, String storageRootKey) {
        ProvisioningInstance instance = instance(idScope);
        RegistrationIds.requireValid(registrationId, "registrationId");
        DeviceAuthenticator.Outcome outcome = authenticator.authenticate(instance.name(), idScope, registrationId,
                new DeviceCredentials(null, List.of(), endorsementKey, storageRootKey));
        if (outcome instanceof DeviceAuthenticator.Challenged challenge) {
            return challenge.authenticationKey();
        }
        String reason = outcome instanceof DeviceAuthenticator.Refused r ? r.reason() : "no TPM challenge applies";
        recordFailure(instance, registrationId, newOperationId(), 401002, "Unauthorized", reason);
        throw ProvisioningException.unauthorized();
    }

    /** Checks credentials exactly as a register call would, without registering; 401 (recorded) when refused. */
    public void verifyCredentials(String idScope, String registrationId, DeviceCredentials credentials) {
        ProvisioningInstance instance = instance(idScope);
        RegistrationIds.requireValid(registrationId, "registrationId");
        DeviceAuthenticator.Outcome outcome = authenticator.authenticate(instance.name(), idScope, registrationId,
                credentials);
        if (!(outcome instanceof DeviceAuthenticator.Accepted)) {
            String reason = outcome instanceof DeviceAuthenticator.Refused r ? r.reason() : "no token presented";
            recordFailure(instance, registrationId, newOperationId(), 401002, "Unauthorized", reason);
            throw ProvisioningException.unauthorized();
        }
    }

    // ---- polling and look-ups --------------------------------------------------------------------------------

    /**
     * Operation status poll: authenticates like register, then returns the stored outcome, or "assigning"
     * while a recent operation is still in flight.
     */
    public RegistrationOperationStatus operationStatus(String idScope, String registrationId, String operationId,
                                                       DeviceCredentials credentials) {
        ProvisioningInstance instance = instance(idScope);
        RegistrationIds.requireValid(registrationId, "registrationId");
        if (!(authenticator.authenticate(instance.name(), idScope, registrationId, credentials)
                instanceof DeviceAuthenticator.Accepted)) {
            throw ProvisioningException.unauthorized();
        }
        Optional<RegistrationOperation> op = operations.operation(instance.name(), operationId)
                .filter(o -> o.registrationId().equalsIgnoreCase(registrationId));
        if (op.isPresent()) {
            return op.get().result();
        }
        long created = OperationIds.createdAt(operationId);
        if (created > 0 && clock.millis() - created < IN_FLIGHT_GRACE.toMillis() && created <= clock.millis() + 5000) {
            return new RegistrationOperationStatus(operationId, DeviceRegistrationState.ASSIGNING, null);
        }
        throw new ProvisioningException(404, 404203, "Operation " + operationId + " not found.");
    }

    /** Device-side registration status look-up (POST /{scope}/registrations/{id}). */
    public DeviceRegistrationState registrationStatus(String idScope, String registrationId, DeviceCredentials credentials) {
        ProvisioningInstance instance = instance(idScope);
        RegistrationIds.requireValid(registrationId, "registrationId");
        if (!(authenticator.authenticate(instance.name(), idScope, registrationId, credentials)
                instanceof DeviceAuthenticator.Accepted)) {
            throw ProvisioningException.unauthorized();
        }
        return registrations.registration(instance.name(), registrationId)
                .map(RegistrationRecord::state)
                .orElseThrow(() -> ProvisioningException.registrationNotFound(registrationId));
    }

    // ---- registration records (service API) ------------------------------------------------------------------

    public DeviceRegistrationState record(String instance, String registrationId) {
        return registrations.registration(instance, registrationId).map(RegistrationRecord::state)
                .orElseThrow(() -> ProvisioningException.registrationNotFound(registrationId));
    }

    public void deleteRecord(String instance, String registrationId, String ifMatch) {
        DeviceRegistrationState state = record(instance, registrationId);
        if (!IfMatch.isAny(ifMatch)
                && !dev.muster.core.IfMatch.matches(ifMatch, state.etag())) {
            throw ProvisioningException.preconditionFailed("Registration " + registrationId + " has changed: its etag is"
                    + " no longer " + ifMatch.strip() + ".");
        }
        if (!registrations.deleteRegistration(instance, registrationId, state.etag())) {
            throw ProvisioningException.preconditionFailed("Registration " + registrationId + " changed while deleting it.");
        }
        usage.record(instance, OperationKind.REGISTRATION_DELETE);
    }

    public List<DeviceRegistrationState> recordsOfGroup(String instance, String groupId, String afterId, int limit) {
        return registrations.registrationsOfGroup(instance, groupId, afterId, limit).stream()
                .map(RegistrationRecord::state).toList();
    }

    public List<RegistrationOperation> failedAttempts(String instance, String registrationId, int limit) {
        return operations.failedOperations(instance, registrationId, limit);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private ProvisioningInstance instance(String idScope) {
        if (idScope == null) {
            throw ProvisioningException.unauthorized();
        }
        // An unknown scope is indistinguishable from a bad credential, as in Azure.
        return instances.instanceByIdScope(idScope).orElseThrow(ProvisioningException::unauthorized);
    }

    /** A TPM device sends its EK and SRK in the body; the authenticator needs them with the token. */
    private static DeviceCredentials withTpmKeys(DeviceCredentials credentials, JsonNode body) {
        JsonNode tpm = body == null ? null : body.get("tpm");
        if (tpm == null || !tpm.isObject()) {
            return credentials;
        }
        String ek = tpm.path("endorsementKey").asText(null);
        String srk = tpm.path("storageRootKey").asText(null);
        if (ek == null || ek.isBlank()) {
            throw ProvisioningException.badRequest("tpm.endorsementKey (base64 TPM2B_PUBLIC) is required.");
        }
        try {
            dev.muster.core.tpm.TpmPublic.endorsementKey(ek);
            if (srk != null && !srk.isBlank()) {
                dev.muster.core.tpm.TpmPublic.storageRootKey(srk);
            }
        } catch (dev.muster.core.tpm.TpmException e) {
            throw ProvisioningException.badRequest(e.getMessage());
        }
        return credentials.withTpm(ek, srk);
    }

    private static void checkBody(JsonNode body, String registrationId) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return;
        }
        if (!body.isObject()) {
            throw ProvisioningException.badRequest("The registration body must be a JSON object.");
        }
        JsonNode id = body.get("registrationId");
        if (id != null && !id.isNull() && !id.asText().equalsIgnoreCase(registrationId)) {
            throw ProvisioningException.badRequest("The registrationId in the body ('" + id.asText()
                    + "') differs from the one in the path ('" + registrationId + "').");
        }
    }

    private RegistrationOperationStatus disabled(String registrationId, Enrollment enrollment) {
        String now = Timestamps.format(clock.instant());
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, now, null, null,
                DeviceRegistrationState.DISABLED, null, null,
                "The " + (enrollment.isGroup() ? "enrollment group" : "enrollment") + " is disabled.", now, null, null,
                null, null, null);
        return new RegistrationOperationStatus(null, DeviceRegistrationState.DISABLED, state);
    }

    private RegistrationOperationStatus fail(ProvisioningInstance instance, String registrationId, String operationId,
                                             int errorCode, String message, String detail) {
        String now = Timestamps.format(clock.instant());
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, now, null, null,
                DeviceRegistrationState.FAILED, null, errorCode, message, now, null, null, null, null, null);
        return finish(instance, operationId, registrationId,
                new RegistrationOperationStatus(null, DeviceRegistrationState.FAILED, state), detail,
                OperationKind.FAILED_REGISTRATION);
    }

    private RegistrationOperationStatus finish(ProvisioningInstance instance, String operationId, String registrationId,
                                               RegistrationOperationStatus status, String detail, OperationKind kind) {
        RegistrationOperationStatus result = new RegistrationOperationStatus(operationId, status.status(),
                status.registrationState());
        operations.saveOperation(instance.name(),
                new RegistrationOperation(operationId, registrationId, result, detail, clock.instant()));
        if (kind == OperationKind.FAILED_REGISTRATION) {
            usage.recordFailure(instance.name(), FailureReason.of(status.registrationState()));
        } else {
            usage.record(instance.name(), kind);
        }
        announce(RegistrationEvent.of(instance.name(), status.registrationState(), detail, clock.instant()));
        LOG.info("registration {} in {} {}: {}", registrationId, instance.idScope(), status.status(), detail);
        return result;
    }

    private void announce(RegistrationEvent event) {
        try {
            listener.finished(event);
        } catch (RuntimeException e) {
            LOG.warn("registration listener failed: {}", e.toString());
        }
    }

    private void recordFailure(ProvisioningInstance instance, String registrationId, String operationId, int code,
                               String message, String detail) {
        String now = Timestamps.format(clock.instant());
        DeviceRegistrationState state = new DeviceRegistrationState(registrationId, now, null, null,
                DeviceRegistrationState.FAILED, null, code, message, now, null, null, null, null, null);
        finish(instance, operationId, registrationId,
                new RegistrationOperationStatus(null, DeviceRegistrationState.FAILED, state), detail,
                OperationKind.FAILED_REGISTRATION);
    }
}
