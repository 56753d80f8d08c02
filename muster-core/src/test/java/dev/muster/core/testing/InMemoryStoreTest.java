package dev.muster.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake keeps the promises of the store interfaces the service tests rely on. */
class InMemoryStoreTest {
    private final InMemoryStore store = new InMemoryStore();

    private static IndividualEnrollment enrollment(String id, String etag) {
        return new IndividualEnrollment(id, null, null, null, Fixtures.symmetricKey(Ids.symmetricKey(), Ids.symmetricKey()),
                null, null, null, etag, "enabled", null, null, null, null, null, null);
    }

    private static RegistrationRecord record(String id, String group, String etag) {
        return new RegistrationRecord(new DeviceRegistrationState(id, null, "hub", id, "assigned", null, null, null, null,
                etag, null, null, null, null), group, "hub");
    }

    @Test
    void enrollmentWritesAreConditionalAndKeyedCaseInsensitively() {
        assertThat(store.insertEnrollment("i", enrollment("Dev1", "e1"))).isTrue();
        assertThat(store.insertEnrollment("i", enrollment("DEV1", "e2"))).isFalse();
        assertThat(store.replaceEnrollment("i", enrollment("dev1", "e3"), "wrong")).isFalse();
        assertThat(store.replaceEnrollment("i", enrollment("dev1", "e3"), "e1")).isTrue();
        assertThat(store.enrollment("i", "DeV1").orElseThrow().etag()).isEqualTo("e3");
        assertThat(store.enrollment("other-instance", "dev1")).isEmpty();
        assertThat(store.deleteEnrollment("i", "dev1", "e1")).isFalse();
        assertThat(store.deleteEnrollment("i", "DEV1", null)).isTrue();
        assertThat(store.deleteEnrollment("i", "dev1", null)).isFalse();
    }

    @Test
    void returnsCopiesSoCallersCannotChangeWhatIsStored() {
        IndividualEnrollment e = new IndividualEnrollment("dev1", null, null, Json.object().put("a", 1), null, null, null,
                null, "e1", null, null, null, null, null, null, null);
        store.insertEnrollment("i", e);

        ((com.fasterxml.jackson.databind.node.ObjectNode) store.enrollment("i", "dev1").orElseThrow()
                .optionalDeviceInformation()).put("a", 2);

        assertThat(store.enrollment("i", "dev1").orElseThrow().optionalDeviceInformation().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void pagesByLowerCasedIdStrictlyAfterTheCursor() {
        for (String id : List.of("b", "A", "c", "D")) {
            store.insertEnrollment("i", enrollment(id, "e"));
        }

        assertThat(store.enrollments("i", null, 3)).extracting(IndividualEnrollment::registrationId)
                .containsExactly("A", "b", "c");
        assertThat(store.enrollments("i", "C", 3)).extracting(IndividualEnrollment::registrationId).containsExactly("D");
    }

    @Test
    void registrationsOfAnIndividualAndOfAGroupAreDeletedSeparately() {
        store.saveRegistration("i", record("solo", null, "e"));
        store.saveRegistration("i", record("member", "Fleet", "e"));

        assertThat(store.deleteRegistrationsOfEnrollment("i", "member", false)).isZero();
        assertThat(store.registrationsOfGroup("i", "fleet", null, 10)).hasSize(1);
        assertThat(store.deleteRegistrationsOfEnrollment("i", "FLEET", true)).isEqualTo(1);
        assertThat(store.deleteRegistrationsOfEnrollment("i", "Solo", false)).isEqualTo(1);
        assertThat(store.registration("i", "solo")).isEmpty();
    }

    @Test
    void registrationDeleteHonoursTheEtag() {
        store.saveRegistration("i", record("dev1", null, "e1"));

        assertThat(store.deleteRegistration("i", "dev1", "e2")).isFalse();
        assertThat(store.deleteRegistration("i", "DEV1", "e1")).isTrue();
    }

    @Test
    void listsFailedOperationsMostRecentFirst() {
        RegistrationOperationStatus failed = new RegistrationOperationStatus("op", "failed", null);
        RegistrationOperationStatus assigned = new RegistrationOperationStatus("op", "assigned", null);
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        store.saveOperation("i", new RegistrationOperation("op1", "Dev1", failed, "first", t));
        store.saveOperation("i", new RegistrationOperation("op2", "dev1", assigned, null, t.plusSeconds(1)));
        store.saveOperation("i", new RegistrationOperation("op3", "dev1", null, "refused", t.plusSeconds(2)));
        store.saveOperation("i", new RegistrationOperation("op4", "dev2", failed, "other", t.plusSeconds(3)));

        assertThat(store.failedOperations("i", "DEV1", 10)).extracting(RegistrationOperation::operationId)
                .containsExactly("op3", "op1");
        assertThat(store.failedOperations("i", "dev1", 1)).hasSize(1);
        assertThat(store.operation("i", "op2").orElseThrow().result().status()).isEqualTo("assigned");
    }

    @Test
    void hubDevicesAreCaseSensitiveAndTwinsSwapOnTheirVersion() {
        HubDevice d = HubDevice.of("Dev1", null, null).withServerFields("g", "e1", "enabled", null, null, null);
        DeviceTwin twin = new DeviceTwin("Dev1", Json.object(), Json.object(), 1, Json.object(), 1, 1, "t1");

        assertThat(store.insertDevice("HUB.example", d, twin)).isTrue();
        assertThat(store.insertDevice("hub.example", d, twin)).isFalse();
        assertThat(store.device("hub.example", "dev1")).isEmpty();
        assertThat(store.replaceTwin("hub.example", new DeviceTwin("Dev1", Json.object(), Json.object(), 2, Json.object(),
                1, 2, "t2"), 5)).isFalse();
        assertThat(store.replaceTwin("hub.example", new DeviceTwin("Dev1", Json.object(), Json.object(), 2, Json.object(),
                1, 2, "t2"), 1)).isTrue();
        assertThat(store.replaceDevice("hub.example", d, "wrong")).isFalse();
        assertThat(store.deviceCount("hub.example")).isEqualTo(1);
        assertThat(store.deleteDevice("hub.example", "Dev1", "e1")).isTrue();
        assertThat(store.twin("hub.example", "Dev1")).isEmpty();
    }

    @Test
    void instancesAndLinkedHubsAreUniqueByTheirKeys() {
        assertThat(store.createInstance(Fixtures.instance("a", "0ne00000001"))).isTrue();
        assertThat(store.createInstance(Fixtures.instance("a", "0ne00000002"))).isFalse();
        assertThat(store.createInstance(Fixtures.instance("b", "0ne00000001"))).isFalse();
        assertThat(store.instanceByServiceHost("A.DPS.MUSTER.TEST")).isPresent();

        store.saveLinkedHub("a", new LinkedHub("Hub.example", "cs1", 1, true));
        store.saveLinkedHub("a", new LinkedHub("hub.EXAMPLE", "cs2", 3, true));
        assertThat(store.linkedHubs("a")).containsExactly(new LinkedHub("hub.EXAMPLE", "cs2", 3, true));
        assertThat(store.removeLinkedHub("a", "HUB.example")).isTrue();
    }
}
