package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.issuance.CaKey;
import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.Pkcs11Uri;
import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.issuance.KeyType;
import dev.muster.core.issuance.PublishedCrl;
import dev.muster.core.issuance.Revocation;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.x509.CertificateMaker;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The certificate-issuance part of the store contract ({@link StoreContractTest} runs it on H2 and PostgreSQL):
 * policies and CAs are inserted once per name, a CA comes back with the key it went in with, the inventory lists a
 * registration's certificates newest first and revokes each once.
 */
interface IssuanceStoreContract {
    String ISSUING_INSTANCE = "contoso";

    Stores stores();

    private IssuanceStore issuance() {
        return stores().issuance();
    }

    @Test
    default void anOperationResultKeepsTheChainIssuedWithIt() {
        DeviceRegistrationState state = new DeviceRegistrationState("dev-9", "2026-12-01T10:00:00Z", "hub.example",
                "dev-9", "assigned", "initialAssignment", null, null, "2026-12-01T10:00:00Z", "etag", null, null, null,
                null).withIssuedCertificateChain(List.of("bGVhZg==", "cm9vdA=="));
        RegistrationOperationStatus result = new RegistrationOperationStatus("op-9", "assigned", state);
        stores().operations().saveOperation(ISSUING_INSTANCE, new RegistrationOperation("op-9", "dev-9", result, null,
                Instant.parse("2026-12-01T10:00:00Z")));
        assertThat(stores().operations().operation(ISSUING_INSTANCE, "op-9").orElseThrow().result().registrationState()
                .issuedCertificateChain()).containsExactly("bGVhZg==", "cm9vdA==");
    }

    @Test
    default void aPolicyIsStoredOncePerNameWhateverItsCase() {
        CertificatePolicy p = new CertificatePolicy("Fleet-A", "default", 14, EnumSet.of(KeyType.EC_P256),
                "http://pki.example/contoso.crl");
        assertThat(issuance().insertPolicy(ISSUING_INSTANCE, p)).isTrue();
        assertThat(issuance().insertPolicy(ISSUING_INSTANCE, new CertificatePolicy("fleet-a", "default", 30,
                EnumSet.allOf(KeyType.class), null))).isFalse();
        assertThat(issuance().policy(ISSUING_INSTANCE, "FLEET-A")).contains(p);
        assertThat(issuance().policy("fabrikam", "fleet-a")).isEmpty();
        assertThat(issuance().policies(ISSUING_INSTANCE)).containsExactly(p);
    }

    @Test
    default void anIssuingCaComesBackWithItsChainAndKey() throws Exception {
        KeyPair rootKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate root = CertificateMaker.root("Store Root", rootKeys, Duration.ofDays(10));
        KeyPair icaKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384);
        X509Certificate ica = CertificateMaker.intermediate("Store ICA", icaKeys, root, rootKeys.getPrivate(),
                Duration.ofDays(5));
        assertThat(issuance().insertIssuingCa(ISSUING_INSTANCE, new IssuingCa("Operator", ica, List.of(root),
                icaKeys.getPrivate()))).isTrue();
        assertThat(issuance().insertIssuingCa(ISSUING_INSTANCE, IssuingCa.generate("operator", ISSUING_INSTANCE)))
                .as("the first CA of a name stands").isFalse();
        IssuingCa back = issuance().issuingCa(ISSUING_INSTANCE, "operator").orElseThrow();
        assertThat(back.name()).isEqualTo("Operator");
        assertThat(back.chain()).containsExactly(ica, root);
        // The same secret (its PKCS#8 encoding may differ: the CA holds it as a BouncyCastle key).
        assertThat(((java.security.interfaces.ECPrivateKey) back.privateKey()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) icaKeys.getPrivate()).getS());
    }

    @Test
    default void theDefaultCaIsMadeOnceAndSignsForEveryCaller() {
        CertificateIssuance a = new CertificateIssuance(issuance(), Clock.systemUTC());
        CertificateIssuance b = new CertificateIssuance(issuance(), Clock.systemUTC());
        IssuingCa first = a.issuingCa(ISSUING_INSTANCE, IssuingCa.DEFAULT);
        assertThat(b.issuingCa(ISSUING_INSTANCE, IssuingCa.DEFAULT).certificate()).isEqualTo(first.certificate());
        assertThat(a.policy(ISSUING_INSTANCE, null)).hasValueSatisfying(p -> assertThat(p.isDefault()).isTrue());
    }

    @Test
    default void theInventoryListsARegistrationsCertificatesNewestFirstAndRevokesEachOnce() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        IssuedCertificate older = new IssuedCertificate("Dev-1", "0A1B", "AA".repeat(32), t0.plus(Duration.ofDays(30)),
                "default", "default", t0, null);
        IssuedCertificate newer = new IssuedCertificate("dev-1", "0C2D", "BB".repeat(32), t0.plus(Duration.ofDays(31)),
                "default", "default", t0.plusSeconds(86400), null);
        issuance().recordIssued(ISSUING_INSTANCE, older);
        issuance().recordIssued(ISSUING_INSTANCE, newer);
        issuance().recordIssued("fabrikam", new IssuedCertificate("dev-1", "0E3F", "CC".repeat(32), t0, "default",
                "default", t0, null));
        assertThat(issuance().issuedTo(ISSUING_INSTANCE, "DEV-1")).containsExactly(newer, older);

        Instant revokedAt = t0.plusSeconds(100);
        assertThat(issuance().revoke(ISSUING_INSTANCE, "default", "0a1b", revokedAt)).isTrue();
        assertThat(issuance().revoke(ISSUING_INSTANCE, "default", "0A1B", revokedAt.plusSeconds(1))).isFalse();
        assertThat(issuance().issuedTo(ISSUING_INSTANCE, "dev-1").get(1).revokedAt()).isEqualTo(revokedAt);
        assertThat(issuance().issuedTo("fabrikam", "dev-1").get(0).isRevoked()).isFalse();
    }

    @Test
    default void issuingCasAreListedByNameWithTheirKindAndDeletedOnce() {
        IssuingCa generated = IssuingCa.generate("default", ISSUING_INSTANCE);
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        IssuingCa uploaded = new IssuingCa("Fleet", CertificateMaker.root("Fleet Root", keys, Duration.ofDays(10)),
                List.of(), keys.getPrivate());
        issuance().insertIssuingCa(ISSUING_INSTANCE, generated);
        issuance().insertIssuingCa(ISSUING_INSTANCE, uploaded);
        issuance().insertIssuingCa("fabrikam", IssuingCa.generate("default", "fabrikam"));

        assertThat(issuance().issuingCas(ISSUING_INSTANCE)).extracting(IssuingCa::name, IssuingCa::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("default", IssuingCa.Kind.GENERATED),
                        org.assertj.core.groups.Tuple.tuple("Fleet", IssuingCa.Kind.UPLOADED));
        assertThat(issuance().deleteIssuingCa(ISSUING_INSTANCE, "FLEET")).isTrue();
        assertThat(issuance().deleteIssuingCa(ISSUING_INSTANCE, "fleet")).isFalse();
        assertThat(issuance().issuingCas(ISSUING_INSTANCE)).extracting(IssuingCa::name).containsExactly("default");
        assertThat(issuance().issuingCas("fabrikam")).hasSize(1);
    }

    @Test
    default void aTokenCaIsStoredAsItsUriAndPinNeverAKey() {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate root = CertificateMaker.root("Token Root", keys, Duration.ofDays(10));
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=muster%20hsm;object=ca-key");
        assertThat(issuance().insertIssuingCa(ISSUING_INSTANCE, new IssuingCa("hsm", IssuingCa.Kind.PKCS11, root,
                List.of(), new CaKey.Token(uri, "1234", null)))).isTrue();

        IssuingCa back = issuance().issuingCa(ISSUING_INSTANCE, "hsm").orElseThrow();
        assertThat(back.kind()).isEqualTo(IssuingCa.Kind.PKCS11);
        assertThat(back.certificate()).isEqualTo(root);
        assertThat(back.key()).isInstanceOfSatisfying(CaKey.Token.class, t -> {
            assertThat(t.uri()).isEqualTo(uri);
            assertThat(t.pin()).isEqualTo("1234");
        });
    }

    // --- CRLs, revocation polling and the expiring-soon count ---

    @Test
    default void ofNodesRacingToReplaceACrlExactlyOneWinsAndTheNumberNeverGoesBack() throws Exception {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(issuance().crl(ISSUING_INSTANCE, "default")).isEmpty();
        assertThat(issuance().publishCrl(ISSUING_INSTANCE, "default", 0,
                new PublishedCrl(1, t0, t0.plusSeconds(86400), 0, new byte[] {1}))).isTrue();
        assertThat(issuance().publishCrl(ISSUING_INSTANCE, "Default", 0,
                new PublishedCrl(1, t0, t0.plusSeconds(86400), 0, new byte[] {9}))).as("the first stands").isFalse();
        int racers = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> wins = new java.util.ArrayList<>();
            for (int i = 0; i < racers; i++) {
                byte b = (byte) (10 + i);
                wins.add(pool.submit(() -> {
                    start.await();
                    return issuance().publishCrl(ISSUING_INSTANCE, "default", 1,
                            new PublishedCrl(2, t0.plusSeconds(60), t0.plusSeconds(86460), 1, new byte[] {b}));
                }));
            }
            start.countDown();
            int won = 0;
            for (var w : wins) {
                won += w.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        PublishedCrl stored = issuance().crl(ISSUING_INSTANCE, "DEFAULT").orElseThrow();
        assertThat(stored.number()).isEqualTo(2);
        assertThat(stored.revokedCount()).isEqualTo(1);
        assertThat(stored.thisUpdate()).isEqualTo(t0.plusSeconds(60));
        assertThat(issuance().publishCrl(ISSUING_INSTANCE, "default", 1,
                new PublishedCrl(2, t0, t0, 0, new byte[] {0}))).as("a stale number changes nothing").isFalse();
        assertThat(issuance().crl(ISSUING_INSTANCE, "default")).contains(stored);
        assertThat(issuance().crl("fabrikam", "default")).isEmpty();
    }

    @Test
    default void revocationsSinceAnInstantComeFromEveryInstanceOldestFirst() {
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("rev-1", "1A", "A1".repeat(32),
                t0.plusSeconds(86400), "default", "default", t0, null));
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("rev-2", "2B", "B2".repeat(32),
                t0.plusSeconds(86400), "default", "default", t0, null));
        issuance().recordIssued("fabrikam", new IssuedCertificate("rev-3", "3C", "C3".repeat(32),
                t0.plusSeconds(86400), "default", "default", t0, null));
        issuance().revoke(ISSUING_INSTANCE, "default", "1A", t0.plusSeconds(10));
        issuance().revoke("fabrikam", "default", "3C", t0.plusSeconds(30));
        issuance().revoke(ISSUING_INSTANCE, "default", "2B", t0.plusSeconds(20));

        assertThat(issuance().revokedSince(t0.plusSeconds(10))).containsExactly(
                new Revocation(ISSUING_INSTANCE, "default", "2B", "B2".repeat(32), t0.plusSeconds(20)),
                new Revocation("fabrikam", "default", "3C", "C3".repeat(32), t0.plusSeconds(30)));
        assertThat(issuance().revokedSince(t0.plusSeconds(30))).isEmpty();
        assertThat(issuance().revokedCount(ISSUING_INSTANCE, "DEFAULT")).isEqualTo(2);
        assertThat(issuance().revokedBy(ISSUING_INSTANCE, "default")).extracting(IssuedCertificate::serialNumber)
                .containsExactly("1A", "2B");
        assertThat(issuance().revokedCount(ISSUING_INSTANCE, "other")).isZero();
    }

    @Test
    default void theExpiringCountTakesOnlyEachRegistrationsNewestUnrevokedCertificate() {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        Instant soon = now.plus(Duration.ofDays(3));
        Instant later = now.plus(Duration.ofDays(30));
        // renewed: the old certificate expires soon, the new one later: not expiring
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-renewed", "E1", "E1".repeat(32), soon,
                "default", "default", now.minus(Duration.ofDays(27)), null));
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("EXP-renewed", "E2", "E2".repeat(32), later,
                "default", "default", now.minus(Duration.ofDays(1)), null));
        // expiring, twice in one instance and once in another
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-a", "E3", "E3".repeat(32), soon,
                "default", "default", now.minus(Duration.ofDays(27)), null));
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-b", "E4", "E4".repeat(32),
                now.plus(Duration.ofDays(7)), "default", "default", now.minus(Duration.ofDays(23)), null));
        issuance().recordIssued("fabrikam", new IssuedCertificate("exp-c", "E5", "E5".repeat(32), soon,
                "default", "default", now.minus(Duration.ofDays(27)), null));
        // revoked, already expired, or beyond the window: not counted
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-revoked", "E6", "E6".repeat(32), soon,
                "default", "default", now.minus(Duration.ofDays(27)), now.minus(Duration.ofDays(1))));
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-gone", "E7", "E7".repeat(32),
                now.minusSeconds(1), "default", "default", now.minus(Duration.ofDays(30)), null));
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("exp-far", "E8", "E8".repeat(32),
                now.plus(Duration.ofDays(8)), "default", "default", now.minus(Duration.ofDays(22)), null));

        assertThat(issuance().expiringSoon(now, now.plus(Duration.ofDays(7))))
                .isEqualTo(java.util.Map.of(ISSUING_INSTANCE, 2L, "fabrikam", 1L));
    }

    // ---- operating policies: conditional replace and delete, references, the inventory per policy ----------------

    @Test
    default void ofTwoNodesReplacingAPolicyFromTheSameReadOneWins() throws Exception {
        issuance().insertPolicy(ISSUING_INSTANCE, new CertificatePolicy("fleet", "default", 7,
                EnumSet.of(KeyType.EC_P256), null, "e0"));
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Boolean>> wins = new java.util.ArrayList<>();
            for (int days : new int[] {10, 20}) {
                wins.add(pool.submit(() -> {
                    start.await();
                    return issuance().replacePolicy(ISSUING_INSTANCE, new CertificatePolicy("FLEET", "default", days,
                            EnumSet.of(KeyType.EC_P256), null, "e" + days), "e0");
                }));
            }
            start.countDown();
            int won = 0;
            for (var w : wins) {
                won += w.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        CertificatePolicy stored = issuance().policy(ISSUING_INSTANCE, "fleet").orElseThrow();
        assertThat(stored.etag()).isEqualTo("e" + stored.validityDays());
        assertThat(issuance().replacePolicy(ISSUING_INSTANCE, stored, "e0")).as("stale etag").isFalse();
        assertThat(issuance().replacePolicy("fabrikam", stored, stored.etag())).as("other instance").isFalse();
    }

    @Test
    default void aPolicyStoredWithoutAnEtagIsReplacedOnceFromNone() {
        issuance().insertPolicy(ISSUING_INSTANCE, new CertificatePolicy("old", "default", 7,
                EnumSet.of(KeyType.EC_P256), null));
        CertificatePolicy next = new CertificatePolicy("old", "default", 9, EnumSet.of(KeyType.RSA), null, "e1");
        assertThat(issuance().replacePolicy(ISSUING_INSTANCE, next, null)).isTrue();
        assertThat(issuance().replacePolicy(ISSUING_INSTANCE, next, null)).isFalse();
        assertThat(issuance().policy(ISSUING_INSTANCE, "OLD")).contains(next);
    }

    @Test
    default void aPolicyIsDeletedOnlyUnderItsEtag() {
        issuance().insertPolicy(ISSUING_INSTANCE, new CertificatePolicy("Gone", "default", 7,
                EnumSet.of(KeyType.EC_P256), null, "e1"));
        assertThat(issuance().deletePolicy(ISSUING_INSTANCE, "gone", "e2")).isFalse();
        assertThat(issuance().deletePolicy("fabrikam", "gone", "e1")).isFalse();
        assertThat(issuance().deletePolicy(ISSUING_INSTANCE, "GONE", "e1")).isTrue();
        assertThat(issuance().policy(ISSUING_INSTANCE, "gone")).isEmpty();
        assertThat(issuance().deletePolicy(ISSUING_INSTANCE, "gone", "e1")).isFalse();
    }

    @Test
    default void enrollmentsAndGroupsNamingAPolicyAreCountedWhateverTheCase() {
        var enrollments = stores().enrollments();
        enrollments.insertEnrollment(ISSUING_INSTANCE, naming(Fixtures.enrollment("dev-a"), "Gold"));
        enrollments.insertEnrollment(ISSUING_INSTANCE, naming(Fixtures.enrollment("dev-b"), "gold"));
        enrollments.insertEnrollment(ISSUING_INSTANCE, Fixtures.enrollment("dev-c"));
        enrollments.insertEnrollment("fabrikam", naming(Fixtures.enrollment("dev-d"), "gold"));
        enrollments.insertGroup(ISSUING_INSTANCE, naming(Fixtures.group("grp-a"), "GOLD"));
        assertThat(enrollments.enrollmentsNaming(ISSUING_INSTANCE, "gold")).isEqualTo(2);
        assertThat(enrollments.groupsNaming(ISSUING_INSTANCE, "Gold")).isEqualTo(1);

        var b = enrollments.enrollment(ISSUING_INSTANCE, "dev-b").orElseThrow();
        var renamed = naming(b, "silver");
        assertThat(enrollments.replaceEnrollment(ISSUING_INSTANCE, withEtag(renamed, "next"), b.etag())).isTrue();
        enrollments.deleteGroup(ISSUING_INSTANCE, "grp-a", null);
        assertThat(enrollments.enrollmentsNaming(ISSUING_INSTANCE, "gold")).isEqualTo(1);
        assertThat(enrollments.enrollmentsNaming(ISSUING_INSTANCE, "silver")).isEqualTo(1);
        assertThat(enrollments.groupsNaming(ISSUING_INSTANCE, "gold")).isZero();
    }

    @Test
    default void aPolicysCertificatesArePagedNewestFirstThenByCaAndSerial() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<IssuedCertificate> all = new java.util.ArrayList<>();
        String[][] rows = {{"dev-1", "default", "0A", "0"}, {"dev-2", "default", "0B", "5"}, {"dev-3", "ops", "01", "5"},
                {"dev-4", "default", "0C", "5"}, {"dev-5", "default", "0D", "9"}};
        for (String[] r : rows) {
            IssuedCertificate c = new IssuedCertificate(r[0], r[2], "AA".repeat(32), t0.plus(Duration.ofDays(7)),
                    "Fleet", r[1], t0.plusSeconds(Long.parseLong(r[3])), null);
            issuance().recordIssued(ISSUING_INSTANCE, c);
            all.add(c);
        }
        issuance().recordIssued(ISSUING_INSTANCE, new IssuedCertificate("dev-9", "0F", "BB".repeat(32), t0, "default",
                "default", t0.plusSeconds(20), null));
        issuance().recordIssued("fabrikam", new IssuedCertificate("dev-9", "0F", "BB".repeat(32), t0, "Fleet",
                "default", t0.plusSeconds(20), null));

        List<String> seen = new java.util.ArrayList<>();
        dev.muster.core.issuance.InventoryCursor cursor = null;
        for (int pages = 0; pages < 10; pages++) {
            List<IssuedCertificate> page = issuance().issuedUnder(ISSUING_INSTANCE, "Fleet", cursor, 2);
            page.forEach(c -> seen.add(c.registrationId()));
            if (page.size() < 2) {
                break;
            }
            cursor = dev.muster.core.issuance.InventoryCursor.after(page.get(page.size() - 1));
        }
        assertThat(seen).containsExactly("dev-5", "dev-2", "dev-4", "dev-3", "dev-1");
        assertThat(issuance().issuedUnder(ISSUING_INSTANCE, "Fleet", null, 1).get(0)).isEqualTo(all.get(4));
    }

    private static <T> T naming(T enrollment, String policyName) {
        return withField(enrollment, "credentialPolicyName", policyName);
    }

    private static <T> T withEtag(T enrollment, String etag) {
        return withField(enrollment, "etag", etag);
    }

    /** The enrollment or group with one field of its document changed (their records have many components). */
    private static <T> T withField(T enrollment, String field, String value) {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.muster.core.Json.MAPPER.valueToTree(enrollment);
        tree.put(field, value);
        try {
            @SuppressWarnings("unchecked")
            T back = (T) dev.muster.core.Json.MAPPER.treeToValue(tree, enrollment.getClass());
            return back;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
