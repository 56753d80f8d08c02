package dev.muster.core.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkEnrollmentOperationTest {
    private static final String INSTANCE = "contoso";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-02-01T08:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final EnrollmentService service = new EnrollmentService(store, store, store, usage, clock);
    private final BulkEnrollmentOperation bulk = new BulkEnrollmentOperation(service, usage);

    private static JsonNode body(String mode, String array, String... items) {
        return Json.tree("{\"mode\":\"" + mode + "\",\"" + array + "\":[" + String.join(",", items) + "]}");
    }

    private static String enrollment(String id) {
        return "{\"registrationId\":\"" + id + "\",\"attestation\":{\"type\":\"symmetricKey\"}}";
    }

    private static String group(String id) {
        return "{\"enrollmentGroupId\":\"" + id + "\",\"attestation\":{\"type\":\"symmetricKey\"}}";
    }

    private BulkEnrollmentOperation.Result run(String mode, String... items) {
        return bulk.enrollments(INSTANCE, body(mode, "enrollments", items));
    }

    private Map<OperationKind, Long> usage() {
        return usage.usageSince(INSTANCE, Instant.EPOCH);
    }

    @Test
    void createWritesEveryItemAndCountsEachAsABulkItem() {
        var result = run("create", enrollment("a"), enrollment("b"), enrollment("c"));

        assertThat(result.isSuccessful()).isTrue();
        assertThat(result.errors()).isEmpty();
        assertThat(service.enrollment(INSTANCE, "b").attestation().symmetricKey().primaryKey()).isNotBlank();
        assertThat(usage().get(OperationKind.ENROLLMENT_CREATE)).isEqualTo(3);
        assertThat(usage().get(OperationKind.ENROLLMENT_BULK_ITEM)).isEqualTo(3);
    }

    @Test
    void createOfAnExistingItemFailsThatItemOnlyWith409() {
        run("create", enrollment("a"));
        String etag = service.enrollment(INSTANCE, "a").etag();

        var result = run("create", enrollment("A"), enrollment("b"));

        assertThat(result.isSuccessful()).isFalse();
        assertThat(result.errors()).singleElement().satisfies(e -> {
            assertThat(e.registrationId()).isEqualTo("A");
            assertThat(e.errorCode()).isEqualTo(409001);
            assertThat(e.errorStatus()).contains("already exists");
        });
        assertThat(service.enrollment(INSTANCE, "a").etag()).as("the existing one is untouched").isEqualTo(etag);
        assertThat(service.enrollment(INSTANCE, "b")).isNotNull();
        assertThat(usage().get(OperationKind.ENROLLMENT_BULK_ITEM)).isEqualTo(2);
    }

    @Test
    void badItemsAreRefusedOneByOneWhileTheGoodOnesAreWritten() {
        var result = run("create", enrollment("good-1"),
                "{\"registrationId\":\"bad-key\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"x!\"}}}",
                "{\"registrationId\":\"bad!id\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                "{\"attestation\":{\"type\":\"symmetricKey\"}}",
                "{\"registrationId\":\"bad-type\",\"attestation\":[1]}",
                "42",
                enrollment("good-2"));

        assertThat(result.errors()).extracting(BulkEnrollmentOperation.ItemError::registrationId)
                .containsExactly("bad-key", "bad!id", null, "bad-type", null);
        assertThat(result.errors()).allSatisfy(e -> assertThat(e.errorCode()).isEqualTo(400004));
        assertThat(store.enrollments(INSTANCE, null, 100)).extracting(IndividualEnrollment::registrationId)
                .containsExactly("good-1", "good-2");
    }

    @Test
    void updateCreatesOrReplacesAndKeepsKeysTheItemLeavesOut() {
        run("create", enrollment("a"));
        IndividualEnrollment before = service.enrollment(INSTANCE, "a");

        var result = run("update",
                "{\"registrationId\":\"a\",\"deviceId\":\"renamed\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                enrollment("new-one"));

        assertThat(result.isSuccessful()).isTrue();
        IndividualEnrollment after = service.enrollment(INSTANCE, "a");
        assertThat(after.deviceId()).isEqualTo("renamed");
        assertThat(after.attestation().symmetricKey()).isEqualTo(before.attestation().symmetricKey());
        assertThat(service.enrollment(INSTANCE, "new-one")).isNotNull();
        assertThat(usage().get(OperationKind.ENROLLMENT_UPDATE)).isEqualTo(1);
    }

    @Test
    void updateIfMatchEtagNeedsTheCurrentEtag() {
        run("create", enrollment("a"), enrollment("b"));
        String etagA = service.enrollment(INSTANCE, "a").etag();

        var result = run("updateIfMatchETag",
                "{\"registrationId\":\"a\",\"deviceId\":\"d1\",\"etag\":" + Json.write(etagA) + ",\"attestation\":{\"type\":\"symmetricKey\"}}",
                "{\"registrationId\":\"b\",\"deviceId\":\"d2\",\"etag\":\"\\\"stale\\\"\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                "{\"registrationId\":\"missing\",\"etag\":\"\\\"x\\\"\",\"attestation\":{\"type\":\"symmetricKey\"}}",
                "{\"registrationId\":\"b\",\"attestation\":{\"type\":\"symmetricKey\"}}".replace("\"b\"", "\"no-etag\""));

        assertThat(service.enrollment(INSTANCE, "a").deviceId()).isEqualTo("d1");
        assertThat(service.enrollment(INSTANCE, "b").deviceId()).isNull();
        assertThat(result.errors()).extracting(BulkEnrollmentOperation.ItemError::registrationId,
                BulkEnrollmentOperation.ItemError::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 412002),
                        org.assertj.core.groups.Tuple.tuple("missing", 412002),
                        org.assertj.core.groups.Tuple.tuple("no-etag", 400004));
        assertThatThrownBy(() -> service.enrollment(INSTANCE, "missing")).isInstanceOf(ProvisioningException.class);
    }

    @Test
    void deleteRemovesItemsAndReportsTheMissingOnesAs404() {
        run("create", enrollment("a"), enrollment("b"));

        var result = run("delete", "{\"registrationId\":\"a\"}", "{\"registrationId\":\"gone\"}",
                "{\"registrationId\":\"b\",\"etag\":\"\\\"stale\\\"\"}");

        assertThat(result.errors()).extracting(BulkEnrollmentOperation.ItemError::registrationId,
                BulkEnrollmentOperation.ItemError::errorCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gone", 404201),
                        org.assertj.core.groups.Tuple.tuple("b", 412002));
        assertThat(store.enrollments(INSTANCE, null, 10)).extracting(IndividualEnrollment::registrationId)
                .containsExactly("b");
        assertThat(usage().get(OperationKind.ENROLLMENT_DELETE)).isEqualTo(1);
    }

    @Test
    void anIdGivenTwiceInOneCallIsRefusedForEveryOccurrenceAndNotWritten() {
        var result = run("create", enrollment("twin"), enrollment("other"), enrollment("TWIN"));

        assertThat(result.errors()).extracting(BulkEnrollmentOperation.ItemError::registrationId)
                .containsExactly("twin", "TWIN");
        assertThat(result.errors().get(0).errorStatus()).contains("appears 2 times");
        assertThat(store.enrollments(INSTANCE, null, 10)).extracting(IndividualEnrollment::registrationId)
                .containsExactly("other");
    }

    @Test
    void moreThanTenItemsOrAnUnknownModeRefuseTheWholeCall() {
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(enrollment("e" + i));
        }
        assertThatThrownBy(() -> run("create", eleven.toArray(String[]::new)))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("at most 10 items").contains("has 11");
                });
        assertThatThrownBy(() -> run("upsert", enrollment("a")))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.getMessage())
                        .contains("create, update, updateIfMatchETag or delete"));
        assertThatThrownBy(() -> run("create"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.getMessage()).contains("non-empty"));
        assertThat(store.enrollments(INSTANCE, null, 10)).isEmpty();
    }

    @Test
    void groupsGoThroughTheSameModesWithGroupIdsInTheErrors() {
        var created = bulk.groups(INSTANCE, body("create", "enrollmentGroups", group("g1"), group("g2")));
        assertThat(created.isSuccessful()).isTrue();

        var again = bulk.groups(INSTANCE, body("create", "enrollmentGroups", group("g1")));
        assertThat(again.errors()).singleElement().satisfies(e -> {
            assertThat(e.enrollmentGroupId()).isEqualTo("g1");
            assertThat(e.registrationId()).isNull();
            assertThat(e.errorCode()).isEqualTo(409001);
        });
        assertThat(Json.tree(Json.write(again)).path("errors").get(0).has("registrationId")).isFalse();

        var deleted = bulk.groups(INSTANCE, body("delete", "enrollmentGroups", "{\"enrollmentGroupId\":\"g1\"}"));
        assertThat(deleted.isSuccessful()).isTrue();
        assertThat(store.groups(INSTANCE, null, 10)).extracting(EnrollmentGroup::enrollmentGroupId).containsExactly("g2");
    }
}
