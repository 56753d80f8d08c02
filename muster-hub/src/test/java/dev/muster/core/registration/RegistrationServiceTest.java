package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.group;
import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static dev.muster.core.testing.Fixtures.twin;
import static dev.muster.core.testing.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.SymmetricKeyAttestation;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubClients;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.FlakyHubClient;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistrationServiceTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB1 = "hub-one.muster.test";
    private static final String HUB2 = "hub-two.muster.test";
    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final Map<String, HubClient> overrides = new HashMap<>();
    private final HubClients clients = hub -> overrides.getOrDefault(hub.hostName().toLowerCase(Locale.ROOT),
            new BuiltInHubClient(builtIn, hub.hostName()));
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, usage, clock);
    private final RegistrationService service =
            RegistrationService.builder().instances(store).enrollments(store).registrations(store).operations(store).linkedHubs(store)
                    .hubClients(clients).deviceClaims(store).usage(usage).clock(clock).build();

    @BeforeEach
    void setUp() {
        assertThat(store.createInstance(Fixtures.instance(INSTANCE, SCOPE))).isTrue();
        builtInHub(HUB1, 1);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void builtInHub(String host, int weight) {
        store.createBuiltInHub(new BuiltInHubConfig(host, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        link(host, weight);
    }

    private void link(String host, int weight) {
        store.saveLinkedHub(INSTANCE, new LinkedHub(host, "HostName=" + host + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), weight, true));
    }

    private IndividualEnrollment enroll(IndividualEnrollment body) {
        return enrollments.putEnrollment(INSTANCE, body.registrationId(), body, null).value();
    }

    private IndividualEnrollment enroll(String registrationId) {
        return enroll(individual(registrationId, symmetricKey(Ids.symmetricKey(), Ids.symmetricKey())));
    }

    private IndividualEnrollment enroll(String registrationId, TwinState twin, ReprovisionPolicy policy) {
        return enroll(individual(registrationId, null, symmetricKey(null, null), twin, null, policy, null));
    }

    private EnrollmentGroup enrollGroup(String groupId) {
        return enrollments.putGroup(INSTANCE, groupId, group(groupId, symmetricKey(null, null)), null).value();
    }

    private static String primary(IndividualEnrollment e) {
        return e.attestation().symmetricKey().primaryKey();
    }

    private long inAnHour() {
        return clock.instant().getEpochSecond() + 3600;
    }

    /** A Java-SDK-shaped token for {@code registrationId} signed with {@code key}. */
    private String token(String registrationId, String key) {
        return Sas.javaDevice(SCOPE + "/registrations/" + registrationId, key, inAnHour());
    }

    private RegistrationOperationStatus register(String registrationId, String token) {
        return register(SCOPE, registrationId, token);
    }

    private RegistrationOperationStatus register(String scope, String registrationId, String token) {
        JsonNode body = Json.tree("{\"registrationId\":\"" + registrationId + "\"}");
        return service.register(new RegistrationRequest(scope, registrationId, body, DeviceCredentials.sas(token)),
                service.newOperationId());
    }

    private static ProvisioningException refusal(ThrowingCallable call) {
        try {
            call.call();
        } catch (ProvisioningException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a ProvisioningException, got " + t, t);
        }
        throw new AssertionError("expected a ProvisioningException");
    }

    private static void assertUnauthorized(ProvisioningException e) {
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo(401002);
        assertThat(e.getMessage()).isEqualTo("Unauthorized");
    }

    private RegistrationOperation onlyFailedAttempt(String registrationId) {
        List<RegistrationOperation> failed = service.failedAttempts(INSTANCE, registrationId, 10);
        assertThat(failed).hasSize(1);
        return failed.get(0);
    }

    private Map<OperationKind, Long> usage() {
        return usage.usageSince(INSTANCE, Instant.EPOCH);
    }

    private HubDevice hubDevice(String hub, String deviceId) {
        return builtIn.devices().device(hub, deviceId).orElseThrow(() -> new AssertionError(deviceId + " not in " + hub));
    }

    private ObjectNode hubTwin(String hub, String deviceId) {
        return builtIn.twins().twinJson(hub, deviceId).orElseThrow();
    }

    // ---- individual enrollments -----------------------------------------------------------------------------

    @Test
    void assignsAnIndividualSymmetricKeyDeviceUnderItsRegistrationId() {
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(r.operationId()).isNotBlank();
        DeviceRegistrationState s = r.registrationState();
        assertThat(s.registrationId()).isEqualTo("dev1");
        assertThat(s.assignedHub()).isEqualTo(HUB1);
        assertThat(s.deviceId()).isEqualTo("dev1");
        assertThat(s.status()).isEqualTo("assigned");
        assertThat(s.substatus()).isEqualTo("initialAssignment");
        assertThat(s.createdDateTimeUtc()).isEqualTo(Timestamps.format(T0));
        assertThat(s.lastUpdatedDateTimeUtc()).isEqualTo(Timestamps.format(T0));
        assertThat(s.etag()).isNotBlank();
        assertThat(s.errorCode()).isNull();
        assertThat(s.symmetricKey()).isEqualTo(Json.object());
        assertThat(s.enrollmentGroupId()).isNull();
        assertThat(service.record(INSTANCE, "DEV1")).isEqualTo(s);
        assertThat(usage().get(OperationKind.REGISTRATION)).isEqualTo(1);
    }

    @Test
    void createsTheHubDeviceWithTheEnrollmentsKeys() {
        IndividualEnrollment e = enroll("dev1");

        register("dev1", token("dev1", primary(e)));

        HubDevice d = hubDevice(HUB1, "dev1");
        assertThat(d.authentication().type()).isEqualTo("sas");
        assertThat(d.authentication().symmetricKey()).isEqualTo(e.attestation().symmetricKey());
        assertThat(d.isEnabled()).isTrue();
    }

    @Test
    void usesTheEnrollmentsDeviceIdWhenItHasOne() {
        IndividualEnrollment e = enroll(individual("dev1", "thermostat-42", symmetricKey(null, null), null, null, null,
                null));

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().deviceId()).isEqualTo("thermostat-42");
        assertThat(hubDevice(HUB1, "thermostat-42").authentication().symmetricKey())
                .isEqualTo(e.attestation().symmetricKey());
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
    }

    @Test
    void appliesTheInitialTwinsTagsAndDesiredProperties() {
        IndividualEnrollment e = enroll("dev1", twin("{\"floor\":2,\"site\":{\"city\":\"Oslo\"}}",
                "{\"interval\":30,\"fan\":{\"on\":true}}"), null);

        register("dev1", token("dev1", primary(e)));

        ObjectNode t = hubTwin(HUB1, "dev1");
        assertJson(t.get("tags"), "{\"floor\":2,\"site\":{\"city\":\"Oslo\"}}");
        assertJson(t.path("properties").get("desired"), "{\"interval\":30,\"fan\":{\"on\":true},\"$version\":2}");
    }

    @Test
    void acceptsTheSecondaryKey() {
        IndividualEnrollment e = enroll("dev1");

        assertThat(register("dev1", token("dev1", e.attestation().symmetricKey().secondaryKey())).status())
                .isEqualTo("assigned");
    }

    @Test
    void acceptsTheCSdkTokenAndAColonInTheRegistrationId() {
        IndividualEnrollment e = enroll("aa:bb:cc:dd");
        String cToken = Sas.cDevice(SCOPE + "/registrations/aa:bb:cc:dd", primary(e), inAnHour());

        assertThat(register("aa:bb:cc:dd", cToken).status()).isEqualTo("assigned");
    }

    @Test
    void matchesTheRegistrationIdCaseInsensitively() {
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("DEV1", token("DEV1", primary(e)));

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(service.record(INSTANCE, "dev1").assignedHub()).isEqualTo(HUB1);
    }

    @Test
    void acceptsAnyJsonPayloadAndABodyWithoutRegistrationId() {
        IndividualEnrollment e = enroll("dev1");
        JsonNode javaStylePayload = Json.tree("{\"registrationId\":\"dev1\",\"payload\":\"{\\\"model\\\":\\\"x\\\"}\"}");

        RegistrationOperationStatus r1 = service.register(new RegistrationRequest(SCOPE, "dev1", javaStylePayload,
                DeviceCredentials.sas(token("dev1", primary(e)))), service.newOperationId());
        RegistrationOperationStatus r2 = service.register(new RegistrationRequest(SCOPE, "dev1",
                Json.tree("{\"payload\":null}"), DeviceCredentials.sas(token("dev1", primary(e)))),
                service.newOperationId());
        RegistrationOperationStatus r3 = service.register(new RegistrationRequest(SCOPE, "dev1", null,
                DeviceCredentials.sas(token("dev1", primary(e)))), service.newOperationId());

        assertThat(List.of(r1.status(), r2.status(), r3.status())).containsOnly("assigned");
    }

    @Test
    void refusesABodyWhoseRegistrationIdDiffersFromThePath() {
        IndividualEnrollment e = enroll("dev1");

        ProvisioningException ex = refusal(() -> service.register(new RegistrationRequest(SCOPE, "dev1",
                Json.tree("{\"registrationId\":\"dev2\"}"), DeviceCredentials.sas(token("dev1", primary(e)))),
                service.newOperationId()));

        assertThat(ex.httpStatus()).isEqualTo(400);
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
    }

    @Test
    void refusesAnInvalidRegistrationIdWith400() {
        ProvisioningException ex = refusal(() -> register("bad id", "SharedAccessSignature sr=x&sig=y&se=1"));

        assertThat(ex.httpStatus()).isEqualTo(400);
        assertThat(ex.getMessage()).contains("registrationId");
    }

    // ---- groups ---------------------------------------------------------------------------------------------

    @Test
    void assignsAGroupDeviceWithItsDerivedKeysAsHubKeys() {
        EnrollmentGroup g = enrollGroup("fleet");
        SymmetricKeyAttestation groupKeys = g.attestation().symmetricKey();
        // reference §4.2, computed independently of the production code
        String derivedPrimary = Sas.signature(groupKeys.primaryKey(), "sensor-7");
        String derivedSecondary = Sas.signature(groupKeys.secondaryKey(), "sensor-7");

        RegistrationOperationStatus r = register("sensor-7", token("sensor-7", derivedPrimary));

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(r.registrationState().deviceId()).isEqualTo("sensor-7");
        assertJson(r.registrationState().symmetricKey(), "{\"enrollmentGroupId\":\"fleet\"}");
        assertThat(hubDevice(HUB1, "sensor-7").authentication().symmetricKey())
                .isEqualTo(new SymmetricKeyAttestation(derivedPrimary, derivedSecondary));
        assertThat(store.registration(INSTANCE, "sensor-7").orElseThrow().enrollmentGroupId()).isEqualTo("fleet");
        assertThat(service.recordsOfGroup(INSTANCE, "FLEET", null, 10))
                .extracting(DeviceRegistrationState::registrationId).containsExactly("sensor-7");
    }

    @Test
    void acceptsAKeyDerivedFromTheGroupsSecondaryKey() {
        EnrollmentGroup g = enrollGroup("fleet");

        RegistrationOperationStatus r = register("sensor-8",
                token("sensor-8", Sas.signature(g.attestation().symmetricKey().secondaryKey(), "sensor-8")));

        assertThat(r.status()).isEqualTo("assigned");
    }

    @Test
    void findsTheRightGroupAmongSeveral() {
        enrollGroup("fleet-a");
        EnrollmentGroup b = enrollGroup("fleet-b");
        enrollGroup("fleet-c");

        RegistrationOperationStatus r = register("sensor-9",
                token("sensor-9", Sas.signature(b.attestation().symmetricKey().primaryKey(), "sensor-9")));

        assertThat(r.registrationState().enrollmentGroupId()).isEqualTo("fleet-b");
    }

    @Test
    void appliesTheGroupsInitialTwin() {
        EnrollmentGroup g = enrollments.putGroup(INSTANCE, "fleet", Fixtures.group("fleet", symmetricKey(null, null),
                twin("{\"fleet\":\"a\"}", "{\"interval\":15}"), null), null).value();

        register("sensor-1", token("sensor-1", Sas.signature(g.attestation().symmetricKey().primaryKey(), "sensor-1")));

        ObjectNode t = hubTwin(HUB1, "sensor-1");
        assertJson(t.get("tags"), "{\"fleet\":\"a\"}");
        assertThat(t.path("properties").path("desired").get("interval").asInt()).isEqualTo(15);
    }

    @Test
    void refusesTheGroupKeyItselfAsADeviceKey() {
        EnrollmentGroup g = enrollGroup("fleet");

        assertUnauthorized(refusal(() -> register("sensor-1",
                token("sensor-1", g.attestation().symmetricKey().primaryKey()))));
        assertThat(onlyFailedAttempt("sensor-1").failureDetail()).contains("fleet");
    }

    @Test
    void anIndividualEnrollmentWinsOverAGroupForTheSameRegistrationId() {
        EnrollmentGroup g = enrollGroup("fleet");
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().enrollmentGroupId()).isNull();
        assertThat(hubDevice(HUB1, "dev1").authentication().symmetricKey()).isEqualTo(e.attestation().symmetricKey());
        assertThat(store.registration(INSTANCE, "dev1").orElseThrow().enrollmentGroupId()).isNull();

        String groupDerived = Sas.signature(g.attestation().symmetricKey().primaryKey(), "dev1");
        assertUnauthorized(refusal(() -> register("dev1", token("dev1", groupDerived))));
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("individual enrollment");
    }

    // ---- refusals -------------------------------------------------------------------------------------------

    @Test
    void refusesAnUnknownIdScopeAsUnauthorized() {
        IndividualEnrollment e = enroll("dev1");

        ProvisioningException ex = refusal(() -> register("0ne00FFFFFF", "dev1",
                Sas.javaDevice("0ne00FFFFFF/registrations/dev1", primary(e), inAnHour())));

        assertUnauthorized(ex);
        // an unknown scope belongs to no instance, so there is nowhere to record the attempt
        assertThat(store.allOperations(INSTANCE)).isEmpty();
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
    }

    @Test
    void refusesAWrongKeyAndRecordsWhy() {
        enroll("dev1");

        assertUnauthorized(refusal(() -> register("dev1", token("dev1", Ids.symmetricKey()))));

        RegistrationOperation failed = onlyFailedAttempt("dev1");
        assertThat(failed.failureDetail()).contains("not signed with the individual enrollment's primary or secondary key");
        assertThat(failed.result().status()).isEqualTo("failed");
        assertThat(failed.result().registrationState().errorCode()).isEqualTo(401002);
        assertThat(failed.createdAt()).isEqualTo(T0);
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(usage().get(OperationKind.FAILED_REGISTRATION)).isEqualTo(1);
        assertThat(usage().get(OperationKind.REGISTRATION)).isZero();
    }

    @Test
    void refusesAnExpiredTokenAndRecordsWhy() {
        IndividualEnrollment e = enroll("dev1");
        String expired = Sas.javaDevice(SCOPE + "/registrations/dev1", primary(e), T0.getEpochSecond() - 1);

        assertUnauthorized(refusal(() -> register("dev1", expired)));

        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("expired");
    }

    @Test
    void refusesATokenForAnotherRegistrationIdAndRecordsWhy() {
        IndividualEnrollment e = enroll("dev1");
        enroll("dev2");

        assertUnauthorized(refusal(() -> register("dev2", token("dev1", primary(e)))));

        assertThat(onlyFailedAttempt("dev2").failureDetail()).contains("sr").contains("dev1").contains("dev2");
        assertThat(builtIn.devices().device(HUB1, "dev2")).isEmpty();
    }

    @Test
    void refusesAnUnenrolledDeviceAndRecordsWhy() {
        assertUnauthorized(refusal(() -> register("stranger", token("stranger", Ids.symmetricKey()))));

        assertThat(onlyFailedAttempt("stranger").failureDetail()).contains("no individual enrollment 'stranger'");
    }

    @Test
    void refusesAMissingOrMalformedTokenAndRecordsWhy() {
        enroll("dev1");

        assertUnauthorized(refusal(() -> service.register(new RegistrationRequest(SCOPE, "dev1", null,
                new DeviceCredentials(null, List.of())), service.newOperationId())));
        clock.advance(Duration.ofSeconds(1));
        assertUnauthorized(refusal(() -> register("dev1", "Basic ZGV2MTpwdw==")));

        List<RegistrationOperation> failed = service.failedAttempts(INSTANCE, "dev1", 10);
        assertThat(failed).hasSize(2);
        assertThat(failed.get(0).failureDetail()).contains("not a SharedAccessSignature");
        assertThat(failed.get(1).failureDetail()).contains("no SAS token");
    }

    @Test
    void refusesAnEnrollmentWhoseAttestationIsNotSymmetricKey() {
        enroll(individual("dev1", new dev.muster.core.enrollment.AttestationMechanism("tpm",
                Json.tree("{\"endorsementKey\":\"" + dev.muster.core.tpm.SwtpmVectors.text("ek.tpm2bPublic") + "\"}"), null,
                null)));

        assertUnauthorized(refusal(() -> register("dev1", token("dev1", Ids.symmetricKey()))));
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("tpm");
    }

    // ---- live events ----------------------------------------------------------------------------------------

    @Test
    void listenerHearsEachFinishedAttemptWithItsOutcomeAndReason() {
        List<RegistrationEvent> heard = new java.util.ArrayList<>();
        service.onFinished(heard::add);
        EnrollmentGroup g = enrollGroup("fleet");
        String derived = Sas.signature(g.attestation().symmetricKey().primaryKey(), "dev-a");
        IndividualEnrollment off = enroll(individual("dev-off", null, symmetricKey(null, null), null, "disabled", null,
                null));

        register("dev-a", token("dev-a", derived));
        register("dev-off", token("dev-off", primary(off)));
        refusal(() -> register("dev-b", token("dev-b", Ids.symmetricKey())));

        assertThat(heard).extracting(RegistrationEvent::registrationId).containsExactly("dev-a", "dev-off", "dev-b");
        RegistrationEvent assigned = heard.get(0);
        assertThat(assigned.instance()).isEqualTo(INSTANCE);
        assertThat(assigned.status()).isEqualTo("assigned");
        assertThat(assigned.assignedHub()).isEqualTo(HUB1);
        assertThat(assigned.deviceId()).isEqualTo("dev-a");
        assertThat(assigned.enrollmentGroupId()).isEqualTo("fleet");
        assertThat(assigned.timestamp()).isEqualTo(T0);
        assertThat(heard.get(1).status()).isEqualTo("disabled");
        assertThat(heard.get(1).reason()).contains("disabled");
        assertThat(heard.get(2).status()).isEqualTo("failed");
        assertThat(heard.get(2).errorCode()).isEqualTo(401002);
        assertThat(heard.get(2).reason()).isEqualTo(onlyFailedAttempt("dev-b").failureDetail());
    }

    @Test
    void aFailingListenerDoesNotFailTheRegistration() {
        service.onFinished(e -> {
            throw new IllegalStateException("listener bug");
        });
        IndividualEnrollment e = enroll("dev1");

        assertThat(register("dev1", token("dev1", primary(e))).status()).isEqualTo("assigned");
    }

    // ---- disabled -------------------------------------------------------------------------------------------

    @Test
    void aDisabledEnrollmentGetsStatusDisabled() {
        IndividualEnrollment e = enroll(individual("dev1", null, symmetricKey(null, null), null, "disabled", null, null));

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("disabled");
        assertThat(r.operationId()).isNotBlank();
        assertThat(r.registrationState().status()).isEqualTo("disabled");
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("disabled");
    }

    @Test
    void aDisabledIndividualEnrollmentBlocksJustThatDeviceOfAGroup() {
        EnrollmentGroup g = enrollGroup("fleet");
        enroll(individual("dev-stolen", null, symmetricKey(null, null), null, "disabled", null, null));
        String stolenKey = Sas.signature(g.attestation().symmetricKey().primaryKey(), "dev-stolen");
        String otherKey = Sas.signature(g.attestation().symmetricKey().primaryKey(), "dev-ok");

        RegistrationOperationStatus blocked = register("dev-stolen", token("dev-stolen", stolenKey));
        RegistrationOperationStatus fine = register("dev-ok", token("dev-ok", otherKey));

        assertThat(blocked.status()).isEqualTo("disabled");
        assertThat(builtIn.devices().device(HUB1, "dev-stolen")).isEmpty();
        assertThat(fine.status()).isEqualTo("assigned");
        String unrelated = Sas.signature(java.util.Base64.getEncoder().encodeToString(new byte[32]), "dev-stolen");
        assertUnauthorized(refusal(() -> register("dev-stolen", token("dev-stolen", unrelated))));
    }

    @Test
    void aDisabledGroupGetsStatusDisabled() {
        EnrollmentGroup g = enrollments.putGroup(INSTANCE, "fleet", Fixtures.group("fleet", symmetricKey(null, null),
                null, "disabled"), null).value();

        RegistrationOperationStatus r = register("sensor-1",
                token("sensor-1", Sas.signature(g.attestation().symmetricKey().primaryKey(), "sensor-1")));

        assertThat(r.status()).isEqualTo("disabled");
        assertThat(r.registrationState().errorMessage()).contains("enrollment group");
        assertThat(builtIn.devices().device(HUB1, "sensor-1")).isEmpty();
    }

    // ---- re-registration ------------------------------------------------------------------------------------

    @Test
    void reRegistrationIsIdempotent() {
        IndividualEnrollment e = enroll("dev1", twin("{\"floor\":1}", "{\"interval\":30}"), null);
        RegistrationOperationStatus first = register("dev1", token("dev1", primary(e)));
        HubDevice device = hubDevice(HUB1, "dev1");
        // the operator changes the twin after provisioning; re-registration must not reset it
        builtIn.twins().patchTwin(HUB1, "dev1", Json.tree("{\"properties\":{\"desired\":{\"interval\":60}}}"), null);
        clock.advance(Duration.ofHours(1));

        RegistrationOperationStatus second = register("dev1", token("dev1", primary(e)));

        assertThat(second.operationId()).isNotEqualTo(first.operationId());
        assertThat(second.registrationState().assignedHub()).isEqualTo(HUB1);
        assertThat(second.registrationState().deviceId()).isEqualTo("dev1");
        assertThat(second.registrationState().substatus()).isEqualTo("initialAssignment");
        assertThat(second.registrationState().createdDateTimeUtc()).isEqualTo(first.registrationState().createdDateTimeUtc());
        assertThat(second.registrationState().lastUpdatedDateTimeUtc()).isEqualTo(Timestamps.format(T0.plusSeconds(3600)));
        assertThat(service.record(INSTANCE, "dev1").createdDateTimeUtc()).isEqualTo(Timestamps.format(T0));
        assertThat(hubDevice(HUB1, "dev1")).isEqualTo(device);
        assertThat(hubTwin(HUB1, "dev1").path("properties").path("desired").get("interval").asInt()).isEqualTo(60);
        assertThat(usage().get(OperationKind.REGISTRATION)).isEqualTo(1);
        assertThat(usage().get(OperationKind.RE_REGISTRATION)).isEqualTo(1);
    }

    /** What another node leaves behind when it finishes registering {@code registrationId} into {@code hub} first. */
    private void anotherNodeAssigns(String registrationId, String hub, IndividualEnrollment e) {
        builtIn.devices().putDevice(hub, HubDevice.of(registrationId, dev.muster.core.hub.AuthenticationMechanism.sas(primary(e),
                e.attestation().symmetricKey().secondaryKey()), null), null);
        String now = Timestamps.format(clock.instant());
        store.saveRegistration(INSTANCE, new RegistrationRecord(new DeviceRegistrationState(registrationId, now, hub,
                registrationId, DeviceRegistrationState.ASSIGNED, DeviceRegistrationState.INITIAL_ASSIGNMENT, null, null,
                now, Ids.etag(), null, Json.object(), null, null), null, hub));
    }

    @Test
    void aRegistrationThatAnotherNodeSavedFirstKeepsTheWinnersHubAndRemovesItsOwnDevice() {
        builtInHub(HUB2, 0);
        IndividualEnrollment e = enroll("dev1");
        overrides.put(HUB1, new FlakyHubClient(new BuiltInHubClient(builtIn, HUB1))
                .beforePutDevice(() -> anotherNodeAssigns("dev1", HUB2, e)));

        RegistrationOperationStatus result = register("dev1", token("dev1", primary(e)));

        assertThat(result.status()).isEqualTo(DeviceRegistrationState.ASSIGNED);
        assertThat(result.registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(service.record(INSTANCE, "dev1").assignedHub()).isEqualTo(HUB2);
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(builtIn.devices().device(HUB2, "dev1")).isPresent();
        assertThat(store.operation(INSTANCE, result.operationId()).orElseThrow().result()).isEqualTo(result);
    }

    @Test
    void aRegistrationRacingAnotherNodeIntoTheSameHubLeavesOneDevice() {
        IndividualEnrollment e = enroll("dev1");
        overrides.put(HUB1, new FlakyHubClient(new BuiltInHubClient(builtIn, HUB1))
                .beforePutDevice(() -> anotherNodeAssigns("dev1", HUB1, e)));

        RegistrationOperationStatus result = register("dev1", token("dev1", primary(e)));

        assertThat(result.registrationState().assignedHub()).isEqualTo(HUB1);
        assertThat(result.registrationState().etag()).isEqualTo(service.record(INSTANCE, "dev1").etag());
        assertThat(builtIn.devices().device(HUB1, "dev1")).isPresent();
        assertThat(builtIn.devices().deviceCount(HUB1)).isEqualTo(1);
    }

    @Test
    void reRegistrationRecreatesAHubDeviceSomeoneDeleted() {
        IndividualEnrollment e = enroll("dev1", twin("{\"floor\":1}", null), null);
        register("dev1", token("dev1", primary(e)));
        builtIn.devices().deleteDevice(HUB1, "dev1", null);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(hubDevice(HUB1, "dev1").authentication().symmetricKey()).isEqualTo(e.attestation().symmetricKey());
        assertJson(hubTwin(HUB1, "dev1").get("tags"), "{\"floor\":1}");
    }

    @Test
    void reRegistrationAfterAKeyRollUpdatesTheHubKeys() {
        IndividualEnrollment e = enroll("dev1");
        register("dev1", token("dev1", primary(e)));
        IndividualEnrollment rolled = enrollments.putEnrollment(INSTANCE, "dev1",
                individual("dev1", symmetricKey(Ids.symmetricKey(), Ids.symmetricKey())), null).value();

        register("dev1", token("dev1", primary(rolled)));

        assertThat(hubDevice(HUB1, "dev1").authentication().symmetricKey()).isEqualTo(rolled.attestation().symmetricKey());
    }

    @Test
    void reRegistrationUnderANewDeviceIdRemovesTheOldHubDevice() {
        IndividualEnrollment e = enroll("dev1");
        register("dev1", token("dev1", primary(e)));
        enrollments.putEnrollment(INSTANCE, "dev1", individual("dev1", "renamed", e.attestation(), null, null, null,
                null), null);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().deviceId()).isEqualTo("renamed");
        assertThat(store.deviceIds(HUB1)).containsExactly("renamed");
    }

    // ---- hub failures ---------------------------------------------------------------------------------------

    private FlakyHubClient flakyHub1() {
        FlakyHubClient flaky = new FlakyHubClient(new BuiltInHubClient(builtIn, HUB1));
        overrides.put(HUB1, flaky);
        return flaky;
    }

    @Test
    void aHubThatRefusesTheServiceCredentialsFailsWith400209() {
        flakyHub1().failPutDevice(FlakyHubClient.refused(HUB1, 401));
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.operationId()).isNotBlank();
        assertThat(r.registrationState().errorCode()).isEqualTo(400209);
        assertThat(r.registrationState().errorMessage()).contains(HUB1);
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("hub " + HUB1);
        assertThat(usage().get(OperationKind.FAILED_REGISTRATION)).isEqualTo(1);
        assertThat(usage().get(OperationKind.REGISTRATION)).isZero();
    }

    @Test
    void aHubAnswering403IsAlsoUnauthorized() {
        flakyHub1().failPutDevice(FlakyHubClient.refused(HUB1, 403));
        IndividualEnrollment e = enroll("dev1");

        assertThat(register("dev1", token("dev1", primary(e))).registrationState().errorCode()).isEqualTo(400209);
    }

    @Test
    void anUnreachableHubFailsWith500201() {
        flakyHub1().failPutDevice(FlakyHubClient.unreachable(HUB1));
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(500201);
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("connect");
    }

    @Test
    void aTwinFailureAfterTheDeviceWasCreatedLeavesNoHalfCreatedDevice() {
        flakyHub1().failPatchTwin(new dev.muster.core.hub.HubException(HUB1, 500, "twin store down"));
        IndividualEnrollment e = enroll("dev1", twin("{\"floor\":1}", "{\"interval\":30}"), null);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(500201);
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void aFailedAttemptCanBePolledAndASuccessfulRetryFollows() {
        FlakyHubClient flaky = flakyHub1().failPutDevice(FlakyHubClient.unreachable(HUB1));
        IndividualEnrollment e = enroll("dev1");
        String token = token("dev1", primary(e));
        RegistrationOperationStatus failed = register("dev1", token);

        assertThat(service.operationStatus(SCOPE, "dev1", failed.operationId(), DeviceCredentials.sas(token)))
                .isEqualTo(failed);
        flaky.failPutDevice(null);
        RegistrationOperationStatus r = register("dev1", token);

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(usage().get(OperationKind.REGISTRATION)).isEqualTo(1);
    }

    @Test
    void noLinkedHubFailsWith400208() {
        store.removeLinkedHub(INSTANCE, HUB1);
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(400208);
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("no linked hub");
    }

    @Test
    void anEnrollmentNamingOnlyUnlinkedHubsFailsWith400208() {
        // Naming an unlinked hub is refused at enrollment time now, so the hub is unlinked after enrolling.
        link("elsewhere.muster.test", 1);
        IndividualEnrollment e = enroll(individual("dev1", null, symmetricKey(null, null), null, null, null,
                List.of("elsewhere.muster.test")));
        store.removeLinkedHub(INSTANCE, "elsewhere.muster.test");

        assertThat(register("dev1", token("dev1", primary(e))).registrationState().errorCode()).isEqualTo(400208);
    }

    @Test
    void anEnrollmentNamingAHubUsesItEvenIfItIsNotInTheDefaultPool() {
        store.createBuiltInHub(new BuiltInHubConfig(HUB2, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        store.saveLinkedHub(INSTANCE, new LinkedHub(HUB2, "HostName=" + HUB2, 1, false));
        IndividualEnrollment e = enroll(individual("dev1", null, symmetricKey(null, null), null, null, null,
                List.of(HUB2.toUpperCase(Locale.ROOT))));
        IndividualEnrollment other = enroll("dev2");

        assertThat(register("dev1", token("dev1", primary(e))).registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(register("dev2", token("dev2", primary(other))).registrationState().assignedHub()).isEqualTo(HUB1);
    }

    @Test
    void onlyZeroWeightHubsFailWith400208() {
        link(HUB1, 0);
        IndividualEnrollment e = enroll("dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(400208);
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("weight 0");
    }

    // ---- operation status -----------------------------------------------------------------------------------

    @Test
    void operationStatusReturnsTheStoredResult() {
        IndividualEnrollment e = enroll("dev1");
        String token = token("dev1", primary(e));
        RegistrationOperationStatus r = register("dev1", token);
        clock.advance(Duration.ofMinutes(10));

        assertThat(service.operationStatus(SCOPE, "dev1", r.operationId(), DeviceCredentials.sas(token))).isEqualTo(r);
    }

    @Test
    void operationStatusSaysAssigningForARecentUnknownOperation() {
        IndividualEnrollment e = enroll("dev1");
        String recent = OperationIds.next(clock.millis() - 5_000);

        RegistrationOperationStatus s = service.operationStatus(SCOPE, "dev1", recent,
                DeviceCredentials.sas(token("dev1", primary(e))));

        assertThat(s.status()).isEqualTo("assigning");
        assertThat(s.operationId()).isEqualTo(recent);
        assertThat(s.isTerminal()).isFalse();
    }

    @Test
    void operationStatusIs404ForAnOldOrMalformedUnknownOperation() {
        IndividualEnrollment e = enroll("dev1");
        DeviceCredentials creds = DeviceCredentials.sas(token("dev1", primary(e)));

        for (String id : List.of(OperationIds.next(clock.millis() - 61_000), "not-an-operation",
                "5.zzzzzzzzzzzzzzzz." + java.util.UUID.randomUUID(), OperationIds.next(clock.millis() + 3_600_000))) {
            ProvisioningException ex = refusal(() -> service.operationStatus(SCOPE, "dev1", id, creds));
            assertThat(ex.httpStatus()).as(id).isEqualTo(404);
            assertThat(ex.errorCode()).as(id).isEqualTo(404203);
        }
    }

    @Test
    void operationStatusRequiresTheDevicesCredentials() {
        IndividualEnrollment e = enroll("dev1");
        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertUnauthorized(refusal(() -> service.operationStatus(SCOPE, "dev1", r.operationId(),
                DeviceCredentials.sas(token("dev1", Ids.symmetricKey())))));
        assertUnauthorized(refusal(() -> service.operationStatus("0ne00FFFFFF", "dev1", r.operationId(),
                DeviceCredentials.sas(token("dev1", primary(e))))));
    }

    @Test
    void operationStatusDoesNotShowOneDevicesOperationToAnother() {
        IndividualEnrollment e1 = enroll("dev1");
        IndividualEnrollment e2 = enroll("dev2");
        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e1)));
        clock.advance(Duration.ofMinutes(5));

        ProvisioningException ex = refusal(() -> service.operationStatus(SCOPE, "dev2", r.operationId(),
                DeviceCredentials.sas(token("dev2", primary(e2)))));

        assertThat(ex.errorCode()).isEqualTo(404203);
    }

    @Test
    void registrationStatusLookupReturnsTheRecordOr404() {
        IndividualEnrollment e = enroll("dev1");
        DeviceCredentials creds = DeviceCredentials.sas(token("dev1", primary(e)));

        assertThat(refusal(() -> service.registrationStatus(SCOPE, "dev1", creds)).errorCode()).isEqualTo(404202);
        RegistrationOperationStatus r = register("dev1", creds.sasToken());

        assertThat(service.registrationStatus(SCOPE, "dev1", creds)).isEqualTo(r.registrationState());
    }

    // ---- registration records -------------------------------------------------------------------------------

    @Test
    void deleteRecordWithAStaleIfMatchIsRefusedWith412() {
        IndividualEnrollment e = enroll("dev1");
        register("dev1", token("dev1", primary(e)));

        ProvisioningException ex = refusal(() -> service.deleteRecord(INSTANCE, "dev1", Ids.etag()));

        assertThat(ex.httpStatus()).isEqualTo(412);
        assertThat(store.registration(INSTANCE, "dev1")).isPresent();
        assertThat(usage().get(OperationKind.REGISTRATION_DELETE)).isZero();
    }

    @Test
    void deleteRecordWithTheCurrentEtagRemovesIt() {
        IndividualEnrollment e = enroll("dev1");
        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        service.deleteRecord(INSTANCE, "DEV1", "\"" + r.registrationState().etag() + "\"");

        assertThat(refusal(() -> service.record(INSTANCE, "dev1")).errorCode()).isEqualTo(404202);
        assertThat(usage().get(OperationKind.REGISTRATION_DELETE)).isEqualTo(1);
        // the hub device is not the record: it stays
        assertThat(builtIn.devices().device(HUB1, "dev1")).isPresent();
    }

    @Test
    void deleteRecordOfAnUnknownRegistrationIs404() {
        assertThat(refusal(() -> service.deleteRecord(INSTANCE, "ghost", null)).errorCode()).isEqualTo(404202);
    }

    // ---- reprovisioning (reference §9.4) --------------------------------------------------------------------

    /** Registers dev1 on HUB1, lets the operator and the device change its twin there, then links a heavy HUB2. */
    private IndividualEnrollment provisionedOnHub1ThenHub2Linked(ReprovisionPolicy policy) {
        IndividualEnrollment e = enroll("dev1", twin("{\"floor\":1}", "{\"interval\":30}"), policy);
        assertThat(register("dev1", token("dev1", primary(e))).registrationState().assignedHub()).isEqualTo(HUB1);
        builtIn.twins().patchTwin(HUB1, "dev1", Json.tree("{\"tags\":{\"room\":\"12\"},\"properties\":{\"desired\":"
                + "{\"interval\":60}}}"), null);
        builtIn.twins().patchReported(HUB1, "dev1", Json.tree("{\"fw\":\"1.0\"}"));
        builtInHub(HUB2, 1_000_000);
        clock.advance(Duration.ofMinutes(30));
        return e;
    }

    @Test
    void reprovisioningWithMigrationMovesTagsAndDesiredToTheNewHub() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(new ReprovisionPolicy(true, true));

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("assigned");
        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(r.registrationState().substatus()).isEqualTo("deviceDataMigrated");
        assertThat(r.registrationState().createdDateTimeUtc()).isEqualTo(Timestamps.format(T0));
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertThat(hubDevice(HUB2, "dev1").authentication().symmetricKey()).isEqualTo(e.attestation().symmetricKey());
        ObjectNode t = hubTwin(HUB2, "dev1");
        assertJson(t.get("tags"), "{\"floor\":1,\"room\":\"12\"}");
        assertThat(t.path("properties").path("desired").get("interval").asInt()).isEqualTo(60);
        assertThat(t.path("properties").path("desired").has("$metadata")).isFalse();
        // the whole twin moves, as Azure migrates it: reported properties too, their versions counted afresh
        assertThat(t.path("properties").path("reported").path("fw").asText()).isEqualTo("1.0");
        assertThat(t.path("properties").path("reported").path("$version").asInt()).isEqualTo(2);
        assertThat(store.registration(INSTANCE, "dev1").orElseThrow().initialHub()).isEqualTo(HUB1);
        assertThat(usage().get(OperationKind.RE_REGISTRATION)).isEqualTo(1);
    }

    @Test
    void reprovisioningWithMigrationKeepsTheCapabilitiesTheDeviceHadInItsOldHub() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(new ReprovisionPolicy(true, true));
        HubDevice old = hubDevice(HUB1, "dev1");
        builtIn.devices().putDevice(HUB1, HubDevice.of(old.deviceId(), old.authentication(),
                new dev.muster.core.enrollment.DeviceCapabilities(true)), "*");

        register("dev1", token("dev1", primary(e)));

        assertThat(hubDevice(HUB2, "dev1").capabilities().iotEdge()).isTrue();
    }

    @Test
    void reprovisioningWithoutMigrationResetsTheTwinToTheInitialTwin() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(new ReprovisionPolicy(true, false));

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(r.registrationState().substatus()).isEqualTo("deviceDataReset");
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        ObjectNode t = hubTwin(HUB2, "dev1");
        assertJson(t.get("tags"), "{\"floor\":1}");
        assertThat(t.path("properties").path("desired").get("interval").asInt()).isEqualTo(30);
    }

    @Test
    void reprovisioningWithoutHubUpdateKeepsTheOldHub() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(new ReprovisionPolicy(false, true));
        HubDevice before = hubDevice(HUB1, "dev1");

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB1);
        assertThat(r.registrationState().substatus()).isEqualTo("initialAssignment");
        assertThat(hubDevice(HUB1, "dev1")).isEqualTo(before);
        assertThat(hubTwin(HUB1, "dev1").path("tags").get("room").asText()).isEqualTo("12");
        assertThat(store.deviceIds(HUB2)).isEmpty();
    }

    @Test
    void movingBackToTheFirstHubIsAMoveLikeAnyOther() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(null);
        assertThat(register("dev1", token("dev1", primary(e))).registrationState().assignedHub()).isEqualTo(HUB2);
        link(HUB2, 0);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB1);
        // Azure says what happened to the data, whichever hub the device lands on
        assertThat(r.registrationState().substatus()).isEqualTo("deviceDataMigrated");
        assertThat(store.deviceIds(HUB2)).isEmpty();
        assertThat(hubTwin(HUB1, "dev1").path("tags").get("room").asText()).isEqualTo("12");
    }

    @Test
    void aDeviceTheHubHadBeforeDpsHadAnyRecordOfItIsReprovisionedToInitialAssignment() {
        IndividualEnrollment e = enroll("dev1");
        assertThat(register("dev1", token("dev1", primary(e))).registrationState().substatus())
                .isEqualTo("initialAssignment");
        service.deleteRecord(INSTANCE, "dev1", null);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB1);
        assertThat(r.registrationState().substatus()).isEqualTo("reprovisionedToInitialAssignment");
    }

    @Test
    void aDeviceWhoseOldHubWasUnlinkedMovesEvenWithoutHubUpdate() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(new ReprovisionPolicy(false, true));
        store.removeLinkedHub(INSTANCE, HUB1);

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB2);
        // the old hub cannot be reached any more, so there is nothing to migrate from
        assertThat(r.registrationState().substatus()).isEqualTo("deviceDataReset");
        assertJson(hubTwin(HUB2, "dev1").get("tags"), "{\"floor\":1}");
    }

    @Test
    void aFailedMoveKeepsTheOldAssignment() {
        IndividualEnrollment e = provisionedOnHub1ThenHub2Linked(null);
        overrides.put(HUB2, new FlakyHubClient(new BuiltInHubClient(builtIn, HUB2))
                .failPutDevice(FlakyHubClient.unreachable(HUB2)));

        RegistrationOperationStatus r = register("dev1", token("dev1", primary(e)));

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(500201);
        assertThat(service.record(INSTANCE, "dev1").assignedHub()).isEqualTo(HUB1);
        assertThat(builtIn.devices().device(HUB1, "dev1")).isPresent();
    }
}
