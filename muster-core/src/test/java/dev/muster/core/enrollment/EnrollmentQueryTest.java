package dev.muster.core.enrollment;

import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static dev.muster.core.testing.Fixtures.twin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.EnrollmentQuery.Condition;
import dev.muster.core.enrollment.EnrollmentQuery.Field;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnrollmentQueryTest {
    private static final String INSTANCE = "contoso";

    @Test
    void selectAllWithoutWhereMatchesEverything() {
        EnrollmentQuery q = EnrollmentQuery.parse("SELECT * FROM enrollments", "enrollments");
        assertThat(q.isAll()).isTrue();
        assertThat(EnrollmentQuery.parse("  select *  from ENROLLMENTS ", "enrollments").isAll()).isTrue();
    }

    /** What the Node service SDK's samples send: createIndividualEnrollmentQuery({ query: '*' }). */
    @Test
    void aLoneStarMatchesEverything() {
        assertThat(EnrollmentQuery.parse(" * ", "enrollments").isAll()).isTrue();
        assertThat(EnrollmentQuery.parse("*", "enrollmentGroups").isAll()).isTrue();
    }

    @Test
    void whereConditionsOnAttestationStatusAndTagsJoinedByAnd() {
        EnrollmentQuery q = EnrollmentQuery.parse("SELECT * FROM enrollmentGroups WHERE attestation.type = 'X509'"
                + " and provisioningStatus='disabled' AND tags.building = \"43\" AND tags.loc.floor = 2"
                + " AND tags.name = 'O''Brien'", "enrollmentGroups");

        assertThat(q.conditions()).containsExactly(
                new Condition(Field.ATTESTATION_TYPE, null, "x509"),
                new Condition(Field.PROVISIONING_STATUS, null, "disabled"),
                new Condition(Field.TAG, "building", "43"),
                new Condition(Field.TAG, "loc.floor", "2"),
                new Condition(Field.TAG, "name", "O'Brien"));
    }

    @Test
    void unsupportedFormsAreRefusedSayingWhatIsSupported() {
        for (String text : List.of("SELECT deviceId FROM enrollments", "SELECT * FROM devices",
                "SELECT * FROM enrollments WHERE deviceId = 'x'", "SELECT * FROM enrollments WHERE tags.a = 'x' OR tags.b = 'y'",
                "SELECT * FROM enrollments WHERE tags.a != 'x'", "SELECT * FROM enrollments WHERE tags.a = 'x",
                "SELECT * FROM enrollments WHERE tags.a = x", "SELECT * FROM enrollments ORDER BY registrationId", "")) {
            assertThatThrownBy(() -> EnrollmentQuery.parse(text, "enrollments")).as(text)
                    .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("Unsupported query")
                                .contains("attestation.type = ").contains("provisioningStatus = ").contains("tags.NAME = ");
                    });
        }
    }

    @Test
    void matchesNestedScalarTagsByTheirText() {
        IndividualEnrollment e = individual("d1", null, symmetricKey(Ids.symmetricKey(), null),
                twin("{\"building\":43,\"loc\":{\"floor\":\"2\"},\"list\":[1]}", null), null, null, null);
        assertThat(EnrollmentQuery.parse("SELECT * FROM enrollments WHERE tags.building = '43' AND tags.loc.floor = 2"
                + " AND attestation.type = 'symmetrickey' AND provisioningStatus = 'ENABLED'", "enrollments").matches(e))
                .isTrue();
        assertThat(EnrollmentQuery.parse("SELECT * FROM enrollments WHERE tags.loc = '2'", "enrollments").matches(e))
                .isFalse();
        assertThat(EnrollmentQuery.parse("SELECT * FROM enrollments WHERE tags.list = '1'", "enrollments").matches(e))
                .isFalse();
    }

    @Test
    void filteredPagesAreFullAndContinueFromTheLastMatch() {
        MutableClock clock = new MutableClock(Instant.parse("2025-02-01T08:00:00Z"));
        InMemoryStore store = new InMemoryStore();
        EnrollmentService service = new EnrollmentService(store, store, store, new UsageMeter(store, clock), clock);
        for (int i = 0; i < 50; i++) {
            String id = String.format("dev-%03d", i);
            IndividualEnrollment e = individual(id, null, symmetricKey(Ids.symmetricKey(), null),
                    twin("{\"building\":\"" + (i % 7 == 0 ? "43" : "12") + "\"}", null), null, null, null);
            service.putEnrollment(INSTANCE, id, e, null);
        }
        EnrollmentQuery q = EnrollmentQuery.parse("SELECT * FROM enrollments WHERE tags.building = '43'", "enrollments");

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            List<IndividualEnrollment> page = service.enrollments(INSTANCE, q, after, 3);
            pages++;
            page.forEach(e -> seen.add(e.registrationId()));
            if (page.size() < 3) {
                break;
            }
            after = page.get(page.size() - 1).registrationId();
        }
        assertThat(seen).containsExactly("dev-000", "dev-007", "dev-014", "dev-021", "dev-028", "dev-035", "dev-042",
                "dev-049");
        assertThat(pages).isEqualTo(3);
    }
}
