package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.twin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.FlakyHubClient;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two tenants (instances) share the built-in hubs, as every instance of a server does. A device identity in a hub
 * belongs to the instance that provisioned it: the other tenant enrolling the same registration ID never gets its
 * keys into that device, never reads or moves it, and its device never learns whose it is.
 */
class SharedHubTenancyTest {
    private static final String A = "contoso";
    private static final String SCOPE_A = "0ne000000AA";
    private static final String B = "fabrikam";
    private static final String SCOPE_B = "0ne000000BB";
    private static final String HUB1 = "hub-one.muster.test";
    private static final String HUB2 = "hub-two.muster.test";

    private final RegistrationHarness h = new RegistrationHarness(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryStore store = h.store;
    private final BuiltInHub builtIn = h.builtIn;
    private final Map<String, HubClient> overrides = h.overrides;
    private final RegistrationService service = h.service(store);

    @BeforeEach
    void twoTenantsOnTheSameHub() {
        store.createInstance(Fixtures.instance(A, SCOPE_A));
        store.createInstance(Fixtures.instance(B, SCOPE_B));
        builtInHub(HUB1);
        link(A, HUB1, 1);
        link(B, HUB1, 1);
    }

    private void builtInHub(String host) {
        h.builtInHub(host);
    }

    private void link(String instance, String host, int weight) {
        h.link(instance, host, weight);
    }

    private String enroll(String instance, String registrationId, TwinState twin, ReprovisionPolicy policy) {
        return h.enroll(instance, registrationId, twin, policy);
    }

    private RegistrationOperationStatus register(String scope, String registrationId, String key) {
        return h.register(service, scope, registrationId, key);
    }

    private String hubKey(String hub, String deviceId) {
        return builtIn.devices().device(hub, deviceId).orElseThrow().authentication().symmetricKey().primaryKey();
    }

    private String failureDetail(String instance, String registrationId) {
        return service.failedAttempts(instance, registrationId, 1).get(0).failureDetail();
    }

    private static void assertRefusedAsTaken(RegistrationOperationStatus r) {
        assertThat(r.status()).isEqualTo(DeviceRegistrationState.FAILED);
        assertThat(r.registrationState().errorCode()).isEqualTo(RegistrationService.DEVICE_ID_TAKEN);
        assertThat(r.registrationState().assignedHub()).isNull();
        assertThat(r.registrationState().errorMessage()).doesNotContain(A).doesNotContain(SCOPE_A);
    }

    @Test
    void anotherTenantEnrollingTheSameRegistrationIdCannotTakeOverTheDevice() {
        String keyA = enroll(A, "sensor-1", twin("{\"site\":\"a\"}", "{\"secret\":\"a-only\"}"), null);
        assertThat(register(SCOPE_A, "sensor-1", keyA).status()).isEqualTo("assigned");

        String keyB = enroll(B, "sensor-1", null, null);
        RegistrationOperationStatus b = register(SCOPE_B, "sensor-1", keyB);

        assertRefusedAsTaken(b);
        assertThat(hubKey(HUB1, "sensor-1")).isEqualTo(keyA);
        assertThat(new BuiltInHubClient(builtIn, HUB1).twin("sensor-1").orElseThrow().toString()).contains("a-only");
        assertThat(store.registration(B, "sensor-1")).isEmpty();
        // B's operators learn which device and hub, never which tenant holds it
        assertThat(failureDetail(B, "sensor-1")).contains("sensor-1").contains(HUB1).contains("another provisioning")
                .doesNotContain(A).doesNotContain(SCOPE_A);
        // A's device re-registers as before
        assertThat(register(SCOPE_A, "sensor-1", keyA).status()).isEqualTo("assigned");
        assertThat(hubKey(HUB1, "sensor-1")).isEqualTo(keyA);
    }

    @Test
    void aReprovisionIntoAHubWhereAnotherTenantHoldsTheDeviceIsRefusedAndBothDevicesStay() {
        builtInHub(HUB2);
        link(B, HUB2, 1_000_000);
        String keyB = enroll(B, "dev", twin("{\"owner\":\"b\"}", null), null);
        assertThat(register(SCOPE_B, "dev", keyB).registrationState().assignedHub()).isEqualTo(HUB2);
        String keyA = enroll(A, "dev", twin("{\"owner\":\"a\"}", null), new ReprovisionPolicy(true, true));
        assertThat(register(SCOPE_A, "dev", keyA).registrationState().assignedHub()).isEqualTo(HUB1);
        link(A, HUB2, 1_000_000);

        assertRefusedAsTaken(register(SCOPE_A, "dev", keyA));

        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyA);
        assertThat(hubKey(HUB2, "dev")).isEqualTo(keyB);
        assertThat(new BuiltInHubClient(builtIn, HUB2).twin("dev").orElseThrow().path("tags").path("owner").asText()).isEqualTo("b");
        assertThat(store.registration(A, "dev").orElseThrow().state().assignedHub()).isEqualTo(HUB1);
    }

    /** Records written before claims existed may show two tenants assigned to one device; neither may use the other's. */
    @Test
    void aMoveNeverReadsOrDeletesTheOldDeviceWhenItIsAnotherTenants() {
        String keyA = enroll(A, "dev", twin("{\"owner\":\"a\"}", "{\"secret\":\"a-only\"}"), null);
        RegistrationOperationStatus a = register(SCOPE_A, "dev", keyA);
        String keyB = enroll(B, "dev", twin("{\"owner\":\"b\"}", null), new ReprovisionPolicy(true, true));
        store.saveRegistration(B, new RegistrationRecord(a.registrationState(), null, HUB1));
        builtInHub(HUB2);
        link(B, HUB2, 1_000_000);

        RegistrationOperationStatus b = register(SCOPE_B, "dev", keyB);

        assertThat(b.registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(b.registrationState().substatus()).isEqualTo(DeviceRegistrationState.DEVICE_DATA_RESET);
        String movedTwin = new BuiltInHubClient(builtIn, HUB2).twin("dev").orElseThrow().toString();
        assertThat(movedTwin).contains("\"owner\":\"b\"").doesNotContain("a-only");
        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyA);
    }

    @Test
    void aDeviceMovedAwayLeavesItsIdFreeInTheOldHub() {
        String keyA = enroll(A, "dev", null, new ReprovisionPolicy(true, true));
        register(SCOPE_A, "dev", keyA);
        builtInHub(HUB2);
        link(A, HUB2, 1_000_000);
        assertThat(register(SCOPE_A, "dev", keyA).registrationState().assignedHub()).isEqualTo(HUB2);
        assertThat(builtIn.devices().device(HUB1, "dev")).isEmpty();

        String keyB = enroll(B, "dev", null, null);
        assertThat(register(SCOPE_B, "dev", keyB).registrationState().assignedHub()).isEqualTo(HUB1);
        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyB);
        assertThat(hubKey(HUB2, "dev")).isEqualTo(keyA);
    }

    /** As on Azure, deleting a record or an instance leaves the hub device; it stays its tenant's. */
    @Test
    void deletingTheRecordOrTheWholeInstanceDoesNotHandTheDeviceToAnotherTenant() {
        String keyA = enroll(A, "dev", twin(null, "{\"secret\":\"a-only\"}"), null);
        register(SCOPE_A, "dev", keyA);
        service.deleteRecord(A, "dev", null);
        String keyB = enroll(B, "dev", null, null);
        assertRefusedAsTaken(register(SCOPE_B, "dev", keyB));

        store.deleteInstance(A);
        store.createInstance(Fixtures.instance(A, "0ne000000CC"));
        link(A, HUB1, 1);
        assertRefusedAsTaken(register(SCOPE_B, "dev", keyB));
        // an instance created later under the deleted one's name is another tenant too
        String keyNewA = enroll(A, "dev", null, null);
        assertRefusedAsTaken(register("0ne000000CC", "dev", keyNewA));
        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyA);
    }

    @Test
    void aRegistrationTheHubFailedGivesItsFreshClaimBack() {
        overrides.put(HUB1, new FlakyHubClient(new BuiltInHubClient(builtIn, HUB1))
                .failPutDevice(FlakyHubClient.unreachable(HUB1)));
        String keyA = enroll(A, "dev", null, null);
        assertThat(register(SCOPE_A, "dev", keyA).registrationState().errorCode()).isEqualTo(500201);
        overrides.clear();

        String keyB = enroll(B, "dev", null, null);
        assertThat(register(SCOPE_B, "dev", keyB).status()).isEqualTo("assigned");
        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyB);
    }

    @Test
    void aTenantRegisteringWhileAnotherIsCreatingTheDeviceIsRefused() {
        String keyA = enroll(A, "dev", null, null);
        String keyB = enroll(B, "dev", null, null);
        AtomicReference<RegistrationOperationStatus> b = new AtomicReference<>();
        overrides.put(HUB1, new FlakyHubClient(new BuiltInHubClient(builtIn, HUB1))
                .beforePutDevice(() -> b.compareAndSet(null, register(SCOPE_B, "dev", keyB))));

        RegistrationOperationStatus a = register(SCOPE_A, "dev", keyA);

        assertThat(a.status()).isEqualTo("assigned");
        assertRefusedAsTaken(b.get());
        assertThat(hubKey(HUB1, "dev")).isEqualTo(keyA);
    }
}
