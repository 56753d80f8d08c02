package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.symmetricKey;
import static dev.muster.core.testing.Fixtures.twin;
import static dev.muster.core.testing.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.allocation.AllocationFailure;
import dev.muster.core.allocation.AllocationWebhook;
import dev.muster.core.allocation.AllocationWebhookException;
import dev.muster.core.allocation.HubSelector;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.CustomAllocationDefinition;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubClients;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.sas.DerivedKey;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allocation policies through registration: the hub, the twin, the payload and the failure records. */
class AllocationPoliciesTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB1 = "hub-one.muster.test";
    private static final String HUB2 = "hub-two.muster.test";
    private static final String HUB3 = "hub-three.muster.test";
    private static final String SECRET = "Fn-K3y-TopSecret==";
    private static final String URL = "https://alloc.example.net/api/allocate?code=" + SECRET;
    private static final String SHOWN = "https://alloc.example.net/api/allocate?***";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final HubClients clients = hub -> new BuiltInHubClient(builtIn, hub.hostName());
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, usage, clock);
    private final Map<String, Double> latency = new HashMap<>();
    private final List<ObjectNode> requests = new ArrayList<>();
    private AllocationWebhook.Response answer;
    private AllocationWebhookException transportFailure;
    private final AllocationWebhook webhook = (url, request) -> {
        assertThat(url).isEqualTo(URL);
        requests.add(request.deepCopy());
        if (transportFailure != null) {
            throw transportFailure;
        }
        return answer;
    };
    private final RegistrationService service = RegistrationService.builder()
            .instances(store).enrollments(store).registrations(store).operations(store).linkedHubs(store).hubClients(clients).deviceClaims(store).usage(usage).clock(clock)
            .selector(new HubSelector(host -> latency.containsKey(host) ? OptionalDouble.of(latency.get(host))
                    : OptionalDouble.empty(), webhook))
            .build();

    @BeforeEach
    void setUp() {
        for (String h : List.of(HUB1, HUB2, HUB3)) {
            store.createBuiltInHub(new BuiltInHubConfig(h, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        }
        instance(INSTANCE, SCOPE, "hashed");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private void instance(String name, String scope, String allocationPolicy) {
        assertThat(store.createInstance(new ProvisioningInstance(name, scope, name + ".dps.muster.test",
                allocationPolicy, List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey()))))).isTrue();
        for (String h : List.of(HUB1, HUB2, HUB3)) {
            store.saveLinkedHub(name, new LinkedHub(h, "HostName=" + h + ";SharedAccessKeyName=iothubowner;"
                    + "SharedAccessKey=" + Ids.policyKey(), 1, true));
        }
    }

    private IndividualEnrollment enroll(String id, String policy, List<String> hubs, CustomAllocationDefinition custom,
                                        TwinState twin, ReprovisionPolicy reprovision) {
        IndividualEnrollment body = new IndividualEnrollment(id, null, null, null, symmetricKey(null, null), null, null,
                twin, null, null, reprovision, null, null, policy, hubs, custom);
        return enrollments.putEnrollment(INSTANCE, id, body, null).value();
    }

    private IndividualEnrollment enrollCustom(String id) {
        return enroll(id, "custom", null, new CustomAllocationDefinition(URL, "2021-10-01"),
                twin("{\"source\":\"enrollment\"}", "{\"interval\":30}"), null);
    }

    private RegistrationOperationStatus register(String id, String key, String payloadJson) {
        String token = Sas.javaDevice(SCOPE + "/registrations/" + id, key, clock.instant().getEpochSecond() + 3600);
        JsonNode body = Json.tree("{\"registrationId\":\"" + id + "\""
                + (payloadJson == null ? "" : ",\"payload\":" + payloadJson) + "}");
        return service.register(new RegistrationRequest(SCOPE, id, body, DeviceCredentials.sas(token)),
                service.newOperationId());
    }

    private RegistrationOperationStatus register(IndividualEnrollment e, String payloadJson) {
        return register(e.registrationId(), e.attestation().symmetricKey().primaryKey(), payloadJson);
    }

    private void answer(int status, String body) {
        answer = new AllocationWebhook.Response(status, body);
    }

    private RegistrationOperation onlyFailedAttempt(String id) {
        List<RegistrationOperation> failed = service.failedAttempts(INSTANCE, id, 10);
        assertThat(failed).hasSize(1);
        return failed.get(0);
    }

    // ---- precedence, restriction, static, geoLatency -------------------------------------------------------

    @Test
    void theInstanceDefaultAppliesUnlessTheEnrollmentOverridesIt() {
        instance("fabrikam", "0ne00FABRIK", "geoLatency");
        latency.put(HUB3, 2.0);
        latency.put(HUB1, 30.0);
        latency.put(HUB2, 30.0);
        List<String> overridden = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "dev" + i;
            IndividualEnrollment byDefault = enrollments.putEnrollment("fabrikam", id, new IndividualEnrollment(id,
                    null, null, null, symmetricKey(null, null), null, null, null, null, null, null, null, null, null,
                    null, null), null).value();
            String token = Sas.javaDevice("0ne00FABRIK/registrations/" + id,
                    byDefault.attestation().symmetricKey().primaryKey(), clock.instant().getEpochSecond() + 3600);
            RegistrationOperationStatus r = service.register(new RegistrationRequest("0ne00FABRIK", id, null,
                    DeviceCredentials.sas(token)), service.newOperationId());
            assertThat(r.registrationState().assignedHub()).as("instance default geoLatency").isEqualTo(HUB3);

            IndividualEnrollment hashed = enroll(id, "hashed", null, null, null, null);
            overridden.add(register(hashed, null).registrationState().assignedHub());
        }
        assertThat(overridden).as("the enrollment's hashed policy ignores latency").contains(HUB1, HUB2);
    }

    @Test
    void geoLatencyPicksTheNearestHub() {
        latency.put(HUB1, 40.0);
        latency.put(HUB2, 4.0);
        latency.put(HUB3, 9.0);
        for (int i = 0; i < 10; i++) {
            IndividualEnrollment e = enroll("geo" + i, "geoLatency", null, null, null, null);
            assertThat(register(e, null).registrationState().assignedHub()).isEqualTo(HUB2);
        }
    }

    @Test
    void staticAssignsTheNamedHub() {
        for (String hub : List.of(HUB1, HUB3)) {
            IndividualEnrollment e = enroll("static-" + hub, "static", List.of(hub), null, null, null);
            RegistrationOperationStatus r = register(e, null);
            assertThat(r.status()).isEqualTo("assigned");
            assertThat(r.registrationState().assignedHub()).isEqualTo(hub);
            assertThat(builtIn.devices().device(hub, e.registrationId())).isPresent();
        }
    }

    @Test
    void aStaticHubUnlinkedAfterEnrollmentFailsWith400208NamingIt() {
        IndividualEnrollment e = enroll("dev1", "static", List.of(HUB3), null, null, null);
        store.removeLinkedHub(INSTANCE, HUB3);

        RegistrationOperationStatus r = register(e, null);

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorCode()).isEqualTo(400208);
        assertThat(r.registrationState().errorMessage()).contains(HUB3).contains("not linked");
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains(HUB3);
    }

    // ---- custom: the exchange ------------------------------------------------------------------------------

    @Test
    void customSendsTheDevicePayloadAndNoKeysAndAppliesHubTwinAndPayload() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"" + HUB3 + "\",\"initialTwin\":{\"tags\":{\"source\":\"webhook\"},"
                + "\"properties\":{\"desired\":{\"interval\":5}}},\"payload\":{\"greeting\":\"hello dev1\"}}");

        RegistrationOperationStatus r = register(e, "{\"modelId\":\"dtmi:com:example:Thermostat;1\"}");

        ObjectNode request = requests.get(0);
        assertJson(request.path("deviceRuntimeContext"), "{\"registrationId\":\"dev1\",\"symmetricKey\":{},"
                + "\"payload\":{\"modelId\":\"dtmi:com:example:Thermostat;1\"}}");
        assertJson(request.path("individualEnrollment").get("attestation"), "{\"type\":\"symmetricKey\"}");
        assertThat(Json.write(request)).doesNotContain(e.attestation().symmetricKey().primaryKey())
                .doesNotContain(e.attestation().symmetricKey().secondaryKey());
        assertJson(request.get("linkedHubs"), "[\"" + HUB1 + "\",\"" + HUB3 + "\",\"" + HUB2 + "\"]");

        assertThat(r.status()).isEqualTo("assigned");
        DeviceRegistrationState s = r.registrationState();
        assertThat(s.assignedHub()).isEqualTo(HUB3);
        assertThat(s.substatus()).isEqualTo("initialAssignment");
        assertJson(s.payload(), "{\"greeting\":\"hello dev1\"}");
        assertJson(service.record(INSTANCE, "dev1").payload(), "{\"greeting\":\"hello dev1\"}");
        ObjectNode twin = builtIn.twins().twinJson(HUB3, "dev1").orElseThrow();
        assertJson(twin.get("tags"), "{\"source\":\"webhook\"}");
        assertThat(twin.path("properties").path("desired").path("interval").asInt()).isEqualTo(5);
    }

    @Test
    void withoutAWebhookTwinTheEnrollmentTwinApplies() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"" + HUB1 + "\"}");

        RegistrationOperationStatus r = register(e, null);

        assertThat(r.registrationState().payload()).isNull();
        assertThat(requests.get(0).path("deviceRuntimeContext").has("payload")).isFalse();
        assertJson(builtIn.twins().twinJson(HUB1, "dev1").orElseThrow().get("tags"), "{\"source\":\"enrollment\"}");
    }

    @Test
    void aGroupDeviceIsAllocatedByTheGroupsWebhook() {
        EnrollmentGroup g = enrollments.putGroup(INSTANCE, "line-3", new EnrollmentGroup("line-3",
                symmetricKey(null, null), null, null, null, null, null, null, null, null, "custom", List.of(HUB1, HUB2),
                new CustomAllocationDefinition(URL, "2021-10-01")), null).value();
        answer(200, "{\"iotHubHostName\":\"" + HUB2 + "\",\"payload\":{\"line\":3}}");
        String key = DerivedKey.of(g.attestation().symmetricKey().primaryKey(), "line-3-unit-9");

        RegistrationOperationStatus r = register("line-3-unit-9", key, "{\"serial\":\"X9\"}");

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB2);
        assertJson(r.registrationState().payload(), "{\"line\":3}");
        String sent = Json.write(requests.get(0));
        assertThat(sent).doesNotContain(g.attestation().symmetricKey().primaryKey()).doesNotContain(key);
        assertThat(requests.get(0).path("enrollmentGroup").path("enrollmentGroupId").asText()).isEqualTo("line-3");
        assertJson(requests.get(0).get("linkedHubs"), "[\"" + HUB1 + "\",\"" + HUB2 + "\"]");
    }

    @Test
    void reRegistrationSendsTheCurrentHubAndAWebhookTwinReplacesMigration() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"" + HUB1 + "\"}");
        register(e, null);
        builtIn.twins().patchTwin(HUB1, "dev1", Json.tree("{\"tags\":{\"room\":\"12\"}}"), null);
        clock.advance(Duration.ofMinutes(5));
        answer(200, "{\"iotHubHostName\":\"" + HUB2 + "\",\"initialTwin\":{\"tags\":{\"moved\":true}},"
                + "\"payload\":{\"n\":2}}");

        RegistrationOperationStatus r = register(e, "{\"again\":true}");

        JsonNode context = requests.get(1).get("deviceRuntimeContext");
        assertThat(context.path("currentIotHubHostName").asText()).isEqualTo(HUB1);
        assertThat(context.path("currentDeviceId").asText()).isEqualTo("dev1");
        assertThat(requests.get(0).get("deviceRuntimeContext").has("currentIotHubHostName")).isFalse();
        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(r.registrationState().substatus()).as("the webhook's twin, not migrated data")
                .isEqualTo("deviceDataReset");
        assertJson(builtIn.twins().twinJson(HUB2, "dev1").orElseThrow().get("tags"), "{\"moved\":true}");
        assertThat(builtIn.devices().device(HUB1, "dev1")).isEmpty();
        assertJson(r.registrationState().payload(), "{\"n\":2}");
    }

    @Test
    void reRegistrationWithoutAWebhookTwinMigratesAsUsual() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"" + HUB1 + "\"}");
        register(e, null);
        builtIn.twins().patchTwin(HUB1, "dev1", Json.tree("{\"tags\":{\"room\":\"12\"}}"), null);
        answer(200, "{\"iotHubHostName\":\"" + HUB2 + "\"}");

        RegistrationOperationStatus r = register(e, null);

        assertThat(r.registrationState().substatus()).isEqualTo("deviceDataMigrated");
        assertThat(builtIn.twins().twinJson(HUB2, "dev1").orElseThrow().path("tags").path("room").asText()).isEqualTo("12");
    }

    @Test
    void withoutHubUpdateTheDeviceStaysButStillGetsTheWebhooksPayload() {
        IndividualEnrollment e = enroll("dev1", "custom", null, new CustomAllocationDefinition(URL, null), null,
                new ReprovisionPolicy(false, true));
        answer(200, "{\"iotHubHostName\":\"" + HUB1 + "\"}");
        register(e, null);
        answer(200, "{\"iotHubHostName\":\"" + HUB2 + "\",\"payload\":{\"stay\":true}}");

        RegistrationOperationStatus r = register(e, null);

        assertThat(r.registrationState().assignedHub()).isEqualTo(HUB1);
        assertJson(r.registrationState().payload(), "{\"stay\":true}");
        assertThat(store.deviceIds(HUB2)).isEmpty();
    }

    // ---- custom: failures ----------------------------------------------------------------------------------

    private void assertFailed(String id, RegistrationOperationStatus r, int code, String... messageParts) {
        assertThat(r.status()).isEqualTo("failed");
        DeviceRegistrationState s = r.registrationState();
        assertThat(s.errorCode()).isEqualTo(code);
        assertThat(s.errorMessage()).contains(messageParts).contains(SHOWN).doesNotContain(SECRET);
        RegistrationOperation op = onlyFailedAttempt(id);
        assertThat(op.failureDetail()).contains(messageParts).doesNotContain(SECRET);
        assertThat(op.result()).isEqualTo(r);
        assertThat(store.registration(INSTANCE, id)).as("no record for a failed first registration").isEmpty();
        assertThat(usage.usageSince(INSTANCE, Instant.EPOCH).get(OperationKind.FAILED_REGISTRATION)).isEqualTo(1);
    }

    @Test
    void aWebhookAnswering500FailsTheRegistration() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(500, "{\"error\":\"allocation function crashed\"}");

        assertFailed("dev1", register(e, null), AllocationFailure.WEBHOOK_HTTP_STATUS, "HTTP 500");
        assertThat(onlyFailedAttempt("dev1").failureDetail()).contains("allocation function crashed");
    }

    @Test
    void aWebhookTimeoutFailsTheRegistration() {
        IndividualEnrollment e = enrollCustom("dev1");
        transportFailure = new AllocationWebhookException(AllocationWebhookException.Kind.TIMEOUT,
                "no answer within 1000 ms");

        assertFailed("dev1", register(e, null), AllocationFailure.WEBHOOK_TIMEOUT, "did not answer in time",
                "1000 ms");
    }

    @Test
    void invalidJsonFailsTheRegistration() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":");

        assertFailed("dev1", register(e, null), AllocationFailure.WEBHOOK_INVALID_RESPONSE, "invalid JSON");
    }

    @Test
    void anUnlinkedHubFailsTheRegistration() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"contoso.azure-devices.net\"}");

        assertFailed("dev1", register(e, null), AllocationFailure.WEBHOOK_HUB_NOT_LINKED,
                "'contoso.azure-devices.net'", "not one of the linked hubs");
    }

    @Test
    void aMissingHubFailsTheRegistration() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"payload\":{}}");

        assertFailed("dev1", register(e, null), AllocationFailure.WEBHOOK_HUB_NOT_LINKED, "iotHubHostName is missing");
    }

    @Test
    void aFailedReRegistrationKeepsTheExistingAssignment() {
        IndividualEnrollment e = enrollCustom("dev1");
        answer(200, "{\"iotHubHostName\":\"" + HUB1 + "\",\"payload\":{\"first\":true}}");
        register(e, null);
        answer(503, "");

        RegistrationOperationStatus r = register(e, null);

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.registrationState().errorMessage()).contains("HTTP 503");
        DeviceRegistrationState kept = service.record(INSTANCE, "dev1");
        assertThat(kept.assignedHub()).isEqualTo(HUB1);
        assertJson(kept.payload(), "{\"first\":true}");
    }
}
