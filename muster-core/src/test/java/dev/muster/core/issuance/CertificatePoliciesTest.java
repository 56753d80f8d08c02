package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.x509.CertificateMaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificatePoliciesTest {
    private static final String INSTANCE = "contoso";

    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final CertificateIssuance issuance = new CertificateIssuance(store,
            Clock.fixed(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), java.time.ZoneOffset.UTC));
    private final Map<String, long[]> namedBy = new HashMap<>();
    private final PolicyReferences references = new PolicyReferences() {
        @Override
        public long enrollmentsNaming(String instance, String policyName) {
            return namedBy.getOrDefault(policyName.toLowerCase(), new long[2])[0];
        }

        @Override
        public long groupsNaming(String instance, String policyName) {
            return namedBy.getOrDefault(policyName.toLowerCase(), new long[2])[1];
        }
    };
    private final CertificatePolicies policies = new CertificatePolicies(issuance, store, references);

    private static CertificatePolicy policy(String name, int days) {
        return new CertificatePolicy(name, "default", days, EnumSet.of(KeyType.EC_P256), null);
    }

    private static int status(Runnable call) {
        try {
            call.run();
        } catch (ProvisioningException e) {
            return e.httpStatus();
        }
        throw new AssertionError("no refusal");
    }

    @Test
    void aPutCreatesThenReplacesWithANewEtagAndKeepsTheStoredSpellingOfTheName() {
        CertificatePolicies.Written created = policies.put(INSTANCE, policy("Fleet-A", 7), null);
        assertThat(created.created()).isTrue();
        assertThat(created.policy().etag()).isNotBlank();

        CertificatePolicies.Written replaced = policies.put(INSTANCE, policy("fleet-a", 14), created.policy().etag());
        assertThat(replaced.created()).isFalse();
        assertThat(replaced.policy().name()).isEqualTo("Fleet-A");
        assertThat(replaced.policy().etag()).isNotEqualTo(created.policy().etag());
        assertThat(policies.get(INSTANCE, "FLEET-A").validityDays()).isEqualTo(14);
    }

    @Test
    void aStaleIfMatchIsAPreconditionFailureAndTheStoredPolicyStands() {
        String first = policies.put(INSTANCE, policy("fleet", 7), null).policy().etag();
        policies.put(INSTANCE, policy("fleet", 14), first);

        assertThat(status(() -> policies.put(INSTANCE, policy("fleet", 30), first))).isEqualTo(412);
        assertThat(policies.get(INSTANCE, "fleet").validityDays()).isEqualTo(14);
        assertThat(policies.put(INSTANCE, policy("fleet", 30), "*").created()).as("* matches any").isFalse();
    }

    @Test
    void ifMatchOnAPolicyThatDoesNotExistIsAPreconditionFailure() {
        assertThat(status(() -> policies.put(INSTANCE, policy("fleet", 7), "\"abc\""))).isEqualTo(412);
        assertThat(store.policy(INSTANCE, "fleet")).isEmpty();
    }

    @Test
    void ofTwoReplacementsFromTheSameReadOneWinsAndTheOtherIsAPreconditionFailure() {
        String read = policies.put(INSTANCE, policy("fleet", 7), null).policy().etag();
        policies.put(INSTANCE, policy("fleet", 10), read);
        assertThat(status(() -> policies.put(INSTANCE, policy("fleet", 20), read))).isEqualTo(412);
        assertThat(policies.get(INSTANCE, "fleet").validityDays()).isEqualTo(10);
    }

    @Test
    void theDefaultPolicyCanBeReplacedUnderItsEtagButNotDeleted() {
        CertificatePolicy current = policies.get(INSTANCE, CertificatePolicy.DEFAULT);
        assertThat(current.etag()).as("made with an etag").isNotBlank();

        CertificatePolicies.Written w = policies.put(INSTANCE, new CertificatePolicy("default", "default", 5,
                EnumSet.of(KeyType.EC_P384), "http://pki.example/contoso.crl"), current.etag());
        assertThat(w.created()).isFalse();
        assertThat(issuance.policy(INSTANCE, null).orElseThrow().validityDays()).isEqualTo(5);
        assertThat(status(() -> policies.delete(INSTANCE, "Default", null))).isEqualTo(400);
    }

    @Test
    void aPolicyEnrollmentsNameIsNotDeletedAndTheRefusalCountsThem() {
        policies.put(INSTANCE, policy("fleet", 7), null);
        namedBy.put("fleet", new long[] {3, 1});

        assertThatThrownBy(() -> policies.delete(INSTANCE, "Fleet", null))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(409))
                .hasMessageContaining("3 individual enrollment(s) and 1 enrollment group(s)");
        assertThat(store.policy(INSTANCE, "fleet")).isPresent();

        namedBy.remove("fleet");
        policies.delete(INSTANCE, "Fleet", null);
        assertThat(store.policy(INSTANCE, "fleet")).isEmpty();
    }

    @Test
    void deletingAnUnknownPolicyIsNotFoundAndAStaleIfMatchIsAPreconditionFailure() {
        assertThat(status(() -> policies.delete(INSTANCE, "nope", null))).isEqualTo(404);
        String etag = policies.put(INSTANCE, policy("fleet", 7), null).policy().etag();
        assertThat(status(() -> policies.delete(INSTANCE, "fleet", "\"old\""))).isEqualTo(412);
        policies.delete(INSTANCE, "fleet", etag);
        assertThat(status(() -> policies.get(INSTANCE, "fleet"))).isEqualTo(404);
    }

    @Test
    void aPolicyNamingAnIssuingCaTheInstanceLacksIsRefused() {
        assertThat(status(() -> policies.put(INSTANCE, new CertificatePolicy("fleet", "operator-ca", 7,
                EnumSet.allOf(KeyType.class), null), null))).isEqualTo(400);
    }

    @Test
    void aReplacementAppliesOnlyToCertificatesIssuedAfterIt() {
        policies.put(INSTANCE, policy("fleet", 7), null);
        IssuedCertificate before = issue("dev-1");
        policies.put(INSTANCE, policy("fleet", 21), null);
        IssuedCertificate after = issue("dev-1");

        assertThat(Duration.between(before.issuedAt(), before.notAfter()).toDays()).isEqualTo(7);
        assertThat(Duration.between(after.issuedAt(), after.notAfter()).toDays()).isEqualTo(21);
        assertThat(issuance.issuedTo(INSTANCE, "dev-1")).hasSize(2);
    }

    @Test
    void thePolicysCertificatesComeNewestFirstInPagesThatStartAfterTheCursor() {
        policies.put(INSTANCE, policy("Fleet", 7), null);
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            store.recordIssued(INSTANCE, new IssuedCertificate("dev-" + i, "0" + i, "AA".repeat(32),
                    t0.plus(Duration.ofDays(7)), "Fleet", "default", t0.plusSeconds(i), null));
        }
        store.recordIssued(INSTANCE, new IssuedCertificate("other", "99", "BB".repeat(32), t0, "default", "default",
                t0.plusSeconds(9), null));

        List<String> seen = new ArrayList<>();
        InventoryCursor cursor = null;
        while (true) {
            List<IssuedCertificate> page = policies.issuedUnder(INSTANCE, "fleet", cursor, 2);
            page.forEach(c -> seen.add(c.registrationId()));
            if (page.size() < 2) {
                break;
            }
            cursor = InventoryCursor.parse(InventoryCursor.after(page.get(1)).text().toLowerCase());
        }
        assertThat(seen).containsExactly("dev-4", "dev-3", "dev-2", "dev-1", "dev-0");
        assertThat(status(() -> policies.issuedUnder(INSTANCE, "nope", null, 2))).isEqualTo(404);
    }

    private IssuedCertificate issue(String registrationId) {
        CertificatePolicy p = issuance.policy(INSTANCE, "fleet").orElseThrow();
        var keys = Csrs.keys(CertificateMaker.KeyType.EC_P256);
        CsrVerdict verdict = issuance.check(p, registrationId, Csrs.csr("CN=" + registrationId, keys));
        return issuance.issue(INSTANCE, p, registrationId, (CsrVerdict.Accepted) verdict).record();
    }

    @Test
    void aPolicyReadWithItsCasCrlUrlKeepsTheEtagAReplacementNeeds() {
        CertificateIssuance withCrl = new CertificateIssuance(store, Clock.systemUTC(),
                (instance, ca) -> "http://dps.example/crl/" + instance + "/" + ca + ".crl");
        CertificatePolicies served = new CertificatePolicies(withCrl, store, references);
        String etag = served.put(INSTANCE, policy("fleet", 7), null).policy().etag();

        CertificatePolicy read = served.get(INSTANCE, "fleet");

        assertThat(read.crlDistributionPoint()).isEqualTo("http://dps.example/crl/contoso/default.crl");
        assertThat(read.etag()).isEqualTo(etag);
        assertThat(served.put(INSTANCE, policy("fleet", 14), read.etag()).created()).isFalse();
    }
}
