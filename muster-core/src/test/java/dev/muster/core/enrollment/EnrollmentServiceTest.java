package dev.muster.core.enrollment;

import static dev.muster.core.testing.Fixtures.group;
import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static dev.muster.core.testing.Fixtures.twin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EnrollmentServiceTest {
    private static final String INSTANCE = "contoso";
    private static final Instant T0 = Instant.parse("2025-02-01T08:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final EnrollmentService service = new EnrollmentService(store, store, store, usage, clock);

    private static void assertRefused(ThrowingCallable call, int status, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProvisioningException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(status);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private IndividualEnrollment put(String id, IndividualEnrollment body) {
        return service.putEnrollment(INSTANCE, id, body, null).value();
    }

    private IndividualEnrollment putKeyed(String id) {
        return put(id, individual(id, symmetricKey(Ids.symmetricKey(), Ids.symmetricKey())));
    }

    private Map<OperationKind, Long> usage() {
        return usage.usageSince(INSTANCE, Instant.EPOCH);
    }

    private static RegistrationRecord record(String registrationId, String groupId) {
        return new RegistrationRecord(new DeviceRegistrationState(registrationId, "2025-01-01T00:00:00.0000000Z",
                "hub.example", registrationId, "assigned", "initialAssignment", null, null,
                "2025-01-01T00:00:00.0000000Z", Ids.etag(), null, Json.object(), null, null), groupId, "hub.example");
    }

    // ---- create ---------------------------------------------------------------------------------------------

    @Test
    void generatesSixtyFourByteKeysWhenTheyAreOmitted() {
        IndividualEnrollment e = put("dev1", individual("dev1", new AttestationMechanism("symmetricKey", null, null, null)));

        SymmetricKeyAttestation keys = e.attestation().symmetricKey();
        assertThat(Base64.getDecoder().decode(keys.primaryKey())).hasSize(64);
        assertThat(Base64.getDecoder().decode(keys.secondaryKey())).hasSize(64);
        assertThat(keys.primaryKey()).isNotEqualTo(keys.secondaryKey());
        assertThat(store.enrollment(INSTANCE, "dev1").orElseThrow().attestation().symmetricKey()).isEqualTo(keys);
    }

    @Test
    void generatesOnlyTheKeyThatIsMissing() {
        String primary = Ids.symmetricKey();
        IndividualEnrollment e = put("dev1", individual("dev1", symmetricKey(primary, null)));

        assertThat(e.attestation().symmetricKey().primaryKey()).isEqualTo(primary);
        assertThat(Base64.getDecoder().decode(e.attestation().symmetricKey().secondaryKey())).hasSize(64);
    }

    @Test
    void keepsTheKeysItIsGiven() {
        String primary = Base64.getEncoder().encodeToString(Ids.randomBytes(32));
        String secondary = Base64.getEncoder().encodeToString(Ids.randomBytes(16));

        IndividualEnrollment e = put("dev1", individual("dev1", symmetricKey(primary, secondary)));

        assertThat(e.attestation().symmetricKey()).isEqualTo(new SymmetricKeyAttestation(primary, secondary));
    }

    @Test
    void anUpdateThatLeavesOutTheKeysKeepsTheStoredOnesRatherThanRotatingThem() {
        IndividualEnrollment first = putKeyed("dev1");
        IndividualEnrollment updated = put("dev1",
                individual("dev1", new AttestationMechanism("symmetricKey", null, null, null)));

        assertThat(updated.attestation().symmetricKey()).isEqualTo(first.attestation().symmetricKey());
        assertThat(updated.etag()).isNotEqualTo(first.etag());
    }

    @Test
    void acceptsTheAttestationTypeInAnyCase() {
        IndividualEnrollment e = put("dev1", individual("dev1", new AttestationMechanism("SYMMETRICKEY", null, null, null)));

        assertThat(e.attestation().type()).isEqualTo("symmetricKey");
    }

    @Test
    void fillsInServerFieldsOnCreate() {
        EnrollmentService.Written<IndividualEnrollment> w = service.putEnrollment(INSTANCE, "dev1",
                individual(null, symmetricKey(null, null)), null);

        IndividualEnrollment e = w.value();
        assertThat(w.created()).isTrue();
        assertThat(e.registrationId()).isEqualTo("dev1");
        assertThat(e.etag()).isNotBlank();
        assertThat(e.provisioningStatus()).isEqualTo("enabled");
        assertThat(e.createdDateTimeUtc()).isEqualTo("2025-02-01T08:00:00.0000000Z");
        assertThat(e.lastUpdatedDateTimeUtc()).isEqualTo(e.createdDateTimeUtc());
        assertThat(e.capabilities()).isEqualTo(DeviceCapabilities.NONE);
        assertThat(e.reprovisionPolicy()).isEqualTo(new ReprovisionPolicy(true, true));
        assertThat(store.enrollment(INSTANCE, "DEV1")).contains(e);
    }

    @Test
    void defaultsEachHalfOfAPartialReprovisionPolicyToTrue() {
        IndividualEnrollment body = individual("dev1", null, symmetricKey(null, null), null, null,
                new ReprovisionPolicy(null, false), null);

        assertThat(put("dev1", body).reprovisionPolicy()).isEqualTo(new ReprovisionPolicy(true, false));
    }

    @Test
    void refusesAKeyThatIsNotBase64AndWritesNothing() {
        assertRefused(() -> put("dev1", individual("dev1", symmetricKey("not*base64!", Ids.symmetricKey()))), 400,
                "primaryKey");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
        assertThat(usage().get(OperationKind.ENROLLMENT_CREATE)).isZero();
    }

    @Test
    void refusesAnEightByteKeyAndWritesNothing() {
        String tiny = Base64.getEncoder().encodeToString(new byte[8]);

        assertRefused(() -> put("dev1", individual("dev1", symmetricKey(Ids.symmetricKey(), tiny))), 400, "secondaryKey");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void refusesAKeyLongerThanSixtyFourBytes() {
        String big = Base64.getEncoder().encodeToString(new byte[65]);

        assertRefused(() -> put("dev1", individual("dev1", symmetricKey(big, null))), 400, "primaryKey");
    }

    @Test
    void refusesABadUpdateWithoutTouchingTheStoredEnrollment() {
        IndividualEnrollment original = putKeyed("dev1");

        assertRefused(() -> service.putEnrollment(INSTANCE, "dev1",
                individual("dev1", symmetricKey("%%%", null)), original.etag()), 400, "base64");
        assertThat(store.enrollment(INSTANCE, "dev1")).contains(original);
    }

    @Test
    void refusesABodyIdThatDiffersFromThePath() {
        assertRefused(() -> put("dev1", individual("dev2", symmetricKey(null, null))), 400, "differs");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
        assertThat(store.enrollment(INSTANCE, "dev2")).isEmpty();
    }

    @Test
    void acceptsABodyIdThatDiffersFromThePathOnlyInCase() {
        IndividualEnrollment e = put("dev1", individual("DEV1", symmetricKey(null, null)));

        assertThat(store.enrollment(INSTANCE, "dev1")).contains(e);
    }

    @Test
    void refusesAnInvalidRegistrationIdInThePath() {
        assertRefused(() -> put("bad id", individual(null, symmetricKey(null, null))), 400, "registrationId");
    }

    @Test
    void refusesAnInvalidDeviceId() {
        assertRefused(() -> put("dev1", individual("dev1", "bad/device", symmetricKey(null, null), null, null, null,
                null)), 400, "deviceId");
    }

    @Test
    void refusesAMissingAttestation() {
        assertRefused(() -> put("dev1", individual("dev1", null)), 400, "attestation");
    }

    @Test
    void refusesAnUnknownAttestationType() {
        assertRefused(() -> put("dev1", individual("dev1", new AttestationMechanism("password", null, null, null))), 400,
                "password");
    }

    @Test
    void refusesAnUnknownAllocationPolicy() {
        IndividualEnrollment body = new IndividualEnrollment("dev1", null, null, null, symmetricKey(null, null), null,
                null, null, null, null, null, null, null, "roundRobin", null, null);

        assertRefused(() -> put("dev1", body), 400, "allocationPolicy");
    }

    // ---- provisioningStatus ---------------------------------------------------------------------------------

    @Test
    void acceptsProvisioningStatusInAnyCase() {
        IndividualEnrollment e = put("dev1", individual("dev1", null, symmetricKey(null, null), null, "Disabled", null,
                null));

        assertThat(e.provisioningStatus()).isEqualTo("disabled");
        assertThat(e.isEnabled()).isFalse();
        assertThat(put("dev2", individual("dev2", null, symmetricKey(null, null), null, "ENABLED", null, null))
                .provisioningStatus()).isEqualTo("enabled");
    }

    @Test
    void refusesAnUnknownProvisioningStatus() {
        assertRefused(() -> put("dev1", individual("dev1", null, symmetricKey(null, null), null, "paused", null, null)),
                400, "provisioningStatus");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
    }

    // ---- initial twin ---------------------------------------------------------------------------------------

    @Test
    void refusesDesiredPropertiesThatAreNotAnObject() {
        TwinState twin = new TwinState(Json.object(), new TwinState.Properties(TextNode.valueOf("21")));

        assertRefused(() -> put("dev1", individual("dev1", null, symmetricKey(null, null), twin, null, null, null)), 400,
                "desired");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void refusesTagsThatAreNotAnObject() {
        TwinState twin = new TwinState(Json.tree("[1,2]"), null);

        assertRefused(() -> put("dev1", individual("dev1", null, symmetricKey(null, null), twin, null, null, null)), 400,
                "tags");
    }

    @Test
    void refusesADesiredArrayInAParsedEnrollmentDocument() {
        IndividualEnrollment body = Json.read("{\"registrationId\":\"dev1\",\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"initialTwin\":{\"properties\":{\"desired\":[1]}}}", IndividualEnrollment.class);

        assertRefused(() -> put("dev1", body), 400, "initialTwin.properties.desired");
    }

    @Test
    void storesAnObjectInitialTwin() {
        TwinState twin = twin("{\"floor\":2}", "{\"interval\":30}");

        IndividualEnrollment e = put("dev1", individual("dev1", null, symmetricKey(null, null), twin, null, null, null));

        assertThat(store.enrollment(INSTANCE, "dev1").orElseThrow().initialTwin()).isEqualTo(twin);
        assertThat(e.initialTwin().desired().get("interval").asInt()).isEqualTo(30);
    }

    // ---- update and If-Match --------------------------------------------------------------------------------

    @Test
    void updateKeepsCreatedDateTimeAndChangesTheEtag() {
        IndividualEnrollment created = putKeyed("dev1");
        clock.advance(Duration.ofMinutes(5));

        EnrollmentService.Written<IndividualEnrollment> w = service.putEnrollment(INSTANCE, "dev1",
                individual("dev1", null, created.attestation(), null, "disabled", null, null), created.etag());

        assertThat(w.created()).isFalse();
        assertThat(w.value().createdDateTimeUtc()).isEqualTo(created.createdDateTimeUtc());
        assertThat(w.value().lastUpdatedDateTimeUtc()).isEqualTo("2025-02-01T08:05:00.0000000Z");
        assertThat(w.value().etag()).isNotEqualTo(created.etag());
        assertThat(store.enrollment(INSTANCE, "dev1")).contains(w.value());
    }

    @Test
    void acceptsAQuotedOrWildcardIfMatch() {
        IndividualEnrollment created = putKeyed("dev1");

        IndividualEnrollment second = service.putEnrollment(INSTANCE, "dev1",
                individual("dev1", created.attestation()), "\"" + created.etag() + "\"").value();
        IndividualEnrollment third = service.putEnrollment(INSTANCE, "dev1",
                individual("dev1", created.attestation()), "*").value();

        assertThat(second.etag()).isNotEqualTo(created.etag());
        assertThat(third.etag()).isNotEqualTo(second.etag());
    }

    @Test
    void refusesAnIfMatchThatIsNotTheCurrentEtag() {
        IndividualEnrollment created = putKeyed("dev1");

        assertRefused(() -> service.putEnrollment(INSTANCE, "dev1",
                individual("dev1", null, created.attestation(), null, "disabled", null, null), Ids.etag()), 412, "etag");
        assertThat(store.enrollment(INSTANCE, "dev1")).contains(created);
    }

    @Test
    void refusesAnIfMatchOnAMissingEnrollment() {
        assertRefused(() -> service.putEnrollment(INSTANCE, "dev1", individual("dev1", symmetricKey(null, null)),
                Ids.etag()), 412, "does not exist");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void readsAnEnrollmentCaseInsensitivelyAndReports404ForAMissingOne() {
        IndividualEnrollment created = putKeyed("Dev1");

        assertThat(service.enrollment(INSTANCE, "DEV1")).isEqualTo(created);
        assertThatThrownBy(() -> service.enrollment(INSTANCE, "nobody"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(404201);
                });
    }

    // ---- delete ---------------------------------------------------------------------------------------------

    @Test
    void deleteRemovesThatEnrollmentsRegistrationRecord() {
        putKeyed("dev1");
        putKeyed("dev2");
        store.saveRegistration(INSTANCE, record("dev1", null));
        store.saveRegistration(INSTANCE, record("dev2", null));

        service.deleteEnrollment(INSTANCE, "DEV1", null);

        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
        assertThat(store.registration(INSTANCE, "dev1")).isEmpty();
        assertThat(store.registration(INSTANCE, "dev2")).isPresent();
    }

    @Test
    void deleteOfAnIndividualKeepsARecordThatCameThroughAGroup() {
        putKeyed("dev1");
        store.saveRegistration(INSTANCE, record("dev1", "fleet"));

        service.deleteEnrollment(INSTANCE, "dev1", null);

        assertThat(store.registration(INSTANCE, "dev1")).isPresent();
    }

    @Test
    void deleteWithAStaleIfMatchIsRefusedAndKeepsEverything() {
        IndividualEnrollment created = putKeyed("dev1");
        store.saveRegistration(INSTANCE, record("dev1", null));

        assertRefused(() -> service.deleteEnrollment(INSTANCE, "dev1", Ids.etag()), 412, "etag");
        assertThat(store.enrollment(INSTANCE, "dev1")).contains(created);
        assertThat(store.registration(INSTANCE, "dev1")).isPresent();
    }

    @Test
    void deleteOfAMissingEnrollmentIs404() {
        assertRefused(() -> service.deleteEnrollment(INSTANCE, "nobody", null), 404, "nobody");
    }

    // ---- groups ---------------------------------------------------------------------------------------------

    @Test
    void refusesTpmAttestationForAGroup() {
        AttestationMechanism tpm = new AttestationMechanism("tpm", Json.tree("{\"endorsementKey\":\"AAEC\"}"), null, null);

        assertRefused(() -> service.putGroup(INSTANCE, "fleet", group("fleet", tpm), null), 400, "TPM");
        assertThat(store.group(INSTANCE, "fleet")).isEmpty();
    }

    @Test
    void acceptsTpmAttestationForAnIndividualEnrollment() {
        AttestationMechanism tpm = new AttestationMechanism("TPM", Json.tree("{\"endorsementKey\":\""
                + dev.muster.core.tpm.SwtpmVectors.text("ek.tpm2bPublic") + "\"}"), null, null);

        assertThat(put("dev1", individual("dev1", tpm)).attestation().type()).isEqualTo("tpm");
    }

    @Test
    void refusesAnEccEndorsementKeyWithAClearMessageAndWritesNothing() {
        AttestationMechanism ecc = new AttestationMechanism("tpm", Json.tree("{\"endorsementKey\":\""
                + dev.muster.core.tpm.SwtpmVectors.text("eccEk.tpm2bPublic") + "\"}"), null, null);

        assertRefused(() -> put("dev1", individual("dev1", ecc)), 400, "ECC endorsement keys are not supported");
        assertThat(store.enrollment(INSTANCE, "dev1")).isEmpty();
    }

    @Test
    void createsAGroupWithGeneratedKeys() {
        EnrollmentGroup g = service.putGroup(INSTANCE, "fleet", group(null, symmetricKey(null, null)), null).value();

        assertThat(g.enrollmentGroupId()).isEqualTo("fleet");
        assertThat(Base64.getDecoder().decode(g.attestation().symmetricKey().primaryKey())).hasSize(64);
        assertThat(store.group(INSTANCE, "FLEET")).contains(g);
    }

    @Test
    void refusesAGroupBodyIdThatDiffersFromThePath() {
        assertRefused(() -> service.putGroup(INSTANCE, "fleet", group("other", symmetricKey(null, null)), null), 400,
                "enrollmentGroupId");
    }

    @Test
    void deletingAGroupRemovesTheRecordsOfItsDevicesOnly() {
        service.putGroup(INSTANCE, "fleet", group("fleet", symmetricKey(null, null)), null);
        store.saveRegistration(INSTANCE, record("a1", "fleet"));
        store.saveRegistration(INSTANCE, record("a2", "FLEET"));
        store.saveRegistration(INSTANCE, record("solo", null));
        store.saveRegistration(INSTANCE, record("b1", "other-fleet"));

        service.deleteGroup(INSTANCE, "fleet", null);

        assertThat(store.group(INSTANCE, "fleet")).isEmpty();
        assertThat(store.registration(INSTANCE, "a1")).isEmpty();
        assertThat(store.registration(INSTANCE, "a2")).isEmpty();
        assertThat(store.registration(INSTANCE, "solo")).isPresent();
        assertThat(store.registration(INSTANCE, "b1")).isPresent();
    }

    // ---- listing --------------------------------------------------------------------------------------------

    @Test
    void listsEnrollmentsInKeysetPagesOrderedByLowerCasedId() {
        for (String id : List.of("Charlie", "alpha", "bravo", "delta", "Echo")) {
            putKeyed(id);
        }

        List<IndividualEnrollment> first = service.enrollments(INSTANCE, null, 2);
        List<IndividualEnrollment> second = service.enrollments(INSTANCE, first.get(1).registrationId(), 2);
        List<IndividualEnrollment> third = service.enrollments(INSTANCE, "DELTA", 2);

        assertThat(first).extracting(IndividualEnrollment::registrationId).containsExactly("alpha", "bravo");
        assertThat(second).extracting(IndividualEnrollment::registrationId).containsExactly("Charlie", "delta");
        assertThat(third).extracting(IndividualEnrollment::registrationId).containsExactly("Echo");
        assertThat(service.enrollments(INSTANCE, null, 0)).hasSize(1);
    }

    // ---- metering -------------------------------------------------------------------------------------------

    @Test
    void countsCreateUpdateAndDelete() {
        IndividualEnrollment e = putKeyed("dev1");
        service.putEnrollment(INSTANCE, "dev1", individual("dev1", e.attestation()), null);
        service.putGroup(INSTANCE, "fleet", group("fleet", symmetricKey(null, null)), null);
        service.deleteEnrollment(INSTANCE, "dev1", null);

        Map<OperationKind, Long> u = usage();
        assertThat(u.get(OperationKind.ENROLLMENT_CREATE)).isEqualTo(2);
        assertThat(u.get(OperationKind.ENROLLMENT_UPDATE)).isEqualTo(1);
        assertThat(u.get(OperationKind.ENROLLMENT_DELETE)).isEqualTo(1);
    }

    @Test
    void countsNothingForARefusedWrite() {
        IndividualEnrollment e = putKeyed("dev1");
        try {
            service.putEnrollment(INSTANCE, "dev1", individual("dev1", e.attestation()), Ids.etag());
        } catch (ProvisioningException expected) {
            // 412
        }
        try {
            service.deleteEnrollment(INSTANCE, "dev1", Ids.etag());
        } catch (ProvisioningException expected) {
            // 412
        }

        Map<OperationKind, Long> u = usage();
        assertThat(u.get(OperationKind.ENROLLMENT_CREATE)).isEqualTo(1);
        assertThat(u.get(OperationKind.ENROLLMENT_UPDATE)).isZero();
        assertThat(u.get(OperationKind.ENROLLMENT_DELETE)).isZero();
    }
}
