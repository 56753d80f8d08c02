package dev.muster.core.enrollment;

import static dev.muster.core.testing.Fixtures.symmetricKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allocation settings are checked against the instance's linked hubs when an enrollment is written. */
class EnrollmentAllocationTest {
    private static final String INSTANCE = "contoso";
    private static final String HUB1 = "hub-one.muster.test";
    private static final String HUB2 = "hub-two.muster.test";
    private static final String SECRET = "Fn-K3y-TopSecret";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-02-01T08:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final EnrollmentService service = new EnrollmentService(store, store, store, new UsageMeter(store, clock),
            clock);

    @BeforeEach
    void linkHubs() {
        for (String h : List.of(HUB1, HUB2)) {
            store.saveLinkedHub(INSTANCE, new LinkedHub(h, "HostName=" + h + ";SharedAccessKeyName=iothubowner;"
                    + "SharedAccessKey=" + Ids.policyKey(), 1, true));
        }
    }

    private static IndividualEnrollment individual(String id, String policy, List<String> hubs,
                                                   CustomAllocationDefinition custom) {
        return new IndividualEnrollment(id, null, null, null, symmetricKey(null, null), null, null, null, null, null,
                null, null, null, policy, hubs, custom);
    }

    private static EnrollmentGroup group(String id, String policy, List<String> hubs, CustomAllocationDefinition custom) {
        return new EnrollmentGroup(id, symmetricKey(null, null), null, null, null, null, null, null, null, null, policy,
                hubs, custom);
    }

    private IndividualEnrollment put(IndividualEnrollment e) {
        return service.putEnrollment(INSTANCE, e.registrationId(), e, null).value();
    }

    private static void assertBadRequest(ThrowingCallable call, String... parts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProvisioningException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains(parts).doesNotContain(SECRET);
        });
    }

    @Test
    void staticWithExactlyOneLinkedHubIsAccepted() {
        IndividualEnrollment e = put(individual("dev1", "static", List.of(HUB2.toUpperCase()), null));

        assertThat(e.allocationPolicy()).isEqualTo("static");
        assertThat(store.enrollment(INSTANCE, "dev1").orElseThrow().iotHubs()).containsExactly(HUB2.toUpperCase());
    }

    @Test
    void staticWithNoHubIsRefused() {
        assertBadRequest(() -> put(individual("dev1", "static", null, null)), "static", "exactly one", "got 0");
        assertBadRequest(() -> put(individual("dev1", "static", List.of(), null)), "exactly one");
        assertThat(store.enrollment(INSTANCE, "dev1")).as("nothing written").isEmpty();
    }

    @Test
    void staticWithTwoHubsIsRefused() {
        assertBadRequest(() -> put(individual("dev1", "Static", List.of(HUB1, HUB2), null)), "exactly one", "got 2",
                HUB1, HUB2);
    }

    @Test
    void staticWithAnUnlinkedHubIsRefusedNamingIt() {
        assertBadRequest(() -> put(individual("dev1", "static", List.of("rogue.azure-devices.net"), null)),
                "'rogue.azure-devices.net'", "not an IoT hub linked", HUB1, HUB2);
    }

    @Test
    void anyUnlinkedIotHubsEntryIsRefusedWhateverThePolicy() {
        assertBadRequest(() -> put(individual("dev1", null, List.of(HUB1, "elsewhere.muster.test"), null)),
                "'elsewhere.muster.test'");
        assertBadRequest(() -> put(individual("dev1", "hashed", List.of("elsewhere.muster.test"), null)),
                "'elsewhere.muster.test'");
        assertBadRequest(() -> service.putGroup(INSTANCE, "grp", group("grp", "geoLatency",
                List.of("elsewhere.muster.test"), null), null), "'elsewhere.muster.test'");
        assertThat(put(individual("dev1", "geoLatency", List.of(HUB1, HUB2), null)).iotHubs()).hasSize(2);
    }

    @Test
    void aGroupIsCheckedTheSameWay() {
        assertBadRequest(() -> service.putGroup(INSTANCE, "grp", group("grp", "static", List.of(HUB1, HUB2), null), null),
                "exactly one");
        assertThat(service.putGroup(INSTANCE, "grp", group("grp", "static", List.of(HUB1), null), null).value()
                .iotHubs()).containsExactly(HUB1);
    }

    @Test
    void anInstanceWithoutLinkedHubsRefusesEveryIotHubsEntry() {
        store.removeLinkedHub(INSTANCE, HUB1);
        store.removeLinkedHub(INSTANCE, HUB2);

        assertBadRequest(() -> put(individual("dev1", "static", List.of(HUB1), null)), "linked: none");
    }

    @Test
    void customNeedsAWebhookUrl() {
        assertBadRequest(() -> put(individual("dev1", "custom", null, null)), "customAllocationDefinition",
                "webhookUrl");
        assertBadRequest(() -> put(individual("dev1", "custom", null, new CustomAllocationDefinition(" ", "2021-10-01"))),
                "webhookUrl");
        IndividualEnrollment ok = put(individual("dev1", "custom", List.of(HUB1),
                new CustomAllocationDefinition("https://fn.example.net/api/alloc?code=" + SECRET, "2021-10-01")));
        assertThat(ok.customAllocationDefinition().webhookUrl()).as("stored as given, as Azure does").contains(SECRET);
    }

    @Test
    void aWebhookUrlMustBeAnAbsoluteHttpUrlAndItsSecretIsNeverEchoed() {
        assertBadRequest(() -> put(individual("dev1", "custom", null,
                new CustomAllocationDefinition("ftp://fn.example.net/alloc?code=" + SECRET, null))),
                "absolute http or https URL", "ftp://fn.example.net/alloc?***");
        assertBadRequest(() -> put(individual("dev1", "custom", null,
                new CustomAllocationDefinition("/api/alloc?code=" + SECRET, null))), "absolute");
        assertBadRequest(() -> put(individual("dev1", "custom", null,
                new CustomAllocationDefinition("https://fn example/alloc?code=" + SECRET, null))), "not a valid URL");
    }
}
