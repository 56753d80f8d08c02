package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.testing.SoftHsm;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A CA whose key stays in a SoftHSM2 token, through the JDK's SunPKCS11 provider. */
class Pkcs11IssuingCaTest {
    private static final String INSTANCE = "contoso";
    private static final Pkcs11Tokens TOKENS = new Pkcs11Tokens(SoftHsm.library());
    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final CertificateIssuance issuance = new CertificateIssuance(store, Clock.systemUTC(), TOKENS);

    @BeforeAll
    static void softHsm() {
        SoftHsm.assumeInstalled();
    }

    @Test
    void aKeyGeneratedInTheTokenSignsLeavesThatVerifyWithItsRootsPublicKey() throws Exception {
        String token = SoftHsm.newToken();
        IssuingCa ca = issuance.createPkcs11IssuingCa(INSTANCE, "hsm", Pkcs11Uri.ofToken(token, "ca-key"), SoftHsm.PIN,
                null);
        assertThat(ca.kind()).isEqualTo(IssuingCa.Kind.PKCS11);
        assertThat(Certificates.isSelfSigned(ca.certificate())).isTrue();
        assertThatThrownBy(ca::privateKey).as("the key never leaves the token").isInstanceOf(IllegalStateException.class);

        X509Certificate leaf = issueLeaf("dev-1");
        leaf.verify(ca.certificate().getPublicKey());
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    }

    @Test
    void aTokenCaReadBackFromAStoreSignsOnceIssuanceBindsItToTheLibrary() throws Exception {
        String token = SoftHsm.newToken();
        IssuingCa made = issuance.createPkcs11IssuingCa(INSTANCE, "hsm", Pkcs11Uri.ofToken(token, "ca-key"),
                SoftHsm.PIN, null);
        CaKey.Token key = (CaKey.Token) made.key();
        // What a database store hands back: the URI and PIN, no library (as after a restart, or on another node).
        InMemoryIssuanceStore reread = new InMemoryIssuanceStore();
        reread.insertIssuingCa(INSTANCE, new IssuingCa("hsm", IssuingCa.Kind.PKCS11, made.certificate(), List.of(),
                new CaKey.Token(key.uri(), key.pin(), null)));
        assertThatThrownBy(() -> reread.issuingCa(INSTANCE, "hsm").orElseThrow().contentSigner())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not bound");

        CertificateIssuance restarted = new CertificateIssuance(reread, Clock.systemUTC(),
                new Pkcs11Tokens(SoftHsm.library()));
        CertificatePolicy policy = restarted.createPolicy(INSTANCE, new CertificatePolicy("hsm-policy", "hsm", 10,
                EnumSet.allOf(KeyType.class), null));
        CsrVerdict.Accepted accepted = (CsrVerdict.Accepted) restarted.check(policy, "dev-9",
                Csrs.csr("CN=dev-9", Csrs.keys(CertificateMaker.KeyType.EC_P256)));
        restarted.issue(INSTANCE, policy, "dev-9", accepted).chain().leaf().verify(made.certificate().getPublicKey());
    }

    @Test
    void manyThreadsSignThroughOneProviderAtOnce() throws Exception {
        String token = SoftHsm.newToken();
        IssuingCa ca = issuance.createPkcs11IssuingCa(INSTANCE, "hsm", Pkcs11Uri.ofToken(token, "ca-key"), SoftHsm.PIN,
                null);
        issueLeaf("dev-0");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<X509Certificate>> leaves = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String id = "dev-" + i;
                leaves.add(pool.submit(() -> issueLeaf(policy, id)));
            }
            for (Future<X509Certificate> f : leaves) {
                f.get().verify(ca.certificate().getPublicKey());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyAlreadyInTheTokenIsUsedWithTheChainTheOperatorGives() throws Exception {
        String token = SoftHsm.newToken();
        Pkcs11Uri uri = Pkcs11Uri.ofToken(token, "operator-key");
        List<X509Certificate> chain = TOKENS.generate(uri, SoftHsm.PIN, "Operator HSM Root", Duration.ofDays(30))
                .chain();

        IssuingCa ca = issuance.createPkcs11IssuingCa(INSTANCE, "operator", uri, SoftHsm.PIN, Certificates.pem(chain));
        assertThat(ca.certificate()).isEqualTo(chain.get(0));
        issueLeaf("dev-2").verify(chain.get(0).getPublicKey());

        KeyPair other = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate notTheTokens = CertificateMaker.root("Not The Token's", other, Duration.ofDays(30));
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "wrong-chain", uri, SoftHsm.PIN,
                Certificates.pem(notTheTokens)), "does not match");
    }

    @Test
    void anOperatorsKeyWithoutACertificateGetsTheChainsCaCertificateStoredNextToIt() throws Exception {
        String token = SoftHsm.newToken();
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate root = CertificateMaker.root("HSM Operator Root", keys, Duration.ofDays(30));
        SoftHsm.importKey(token, "hsm-key", "0a0b", keys.getPrivate());

        X509Certificate another = CertificateMaker.root("Another Root",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256), Duration.ofDays(30));
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "imported", Pkcs11Uri.ofToken(token, "hsm-key"),
                SoftHsm.PIN, Certificates.pem(another)), "does not match");
        refused(() -> TOKENS.entry(Pkcs11Uri.ofToken(token, "hsm-key"), SoftHsm.PIN),
                "together with its certificate"); // the mismatching certificate was taken out again

        IssuingCa ca = issuance.createPkcs11IssuingCa(INSTANCE, "imported", Pkcs11Uri.ofToken(token, "hsm-key"),
                SoftHsm.PIN, Certificates.pem(root));
        assertThat(ca.chain()).containsExactly(root);
        issueLeaf("dev-3").verify(root.getPublicKey());
        assertThat(TOKENS.entry(Pkcs11Uri.ofToken(token, "hsm-key"), SoftHsm.PIN).chain()).as("stored in the token")
                .containsExactly(root);
    }

    @Test
    void aWrongPinAnUnknownTokenOrLabelAndAMissingLibraryEachNameTheFix() {
        String token = SoftHsm.newToken();
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "a", Pkcs11Uri.ofToken(token, "k"), "0000", null),
                "refused the PIN");
        issuance.createPkcs11IssuingCa(INSTANCE, "logged-in", Pkcs11Uri.ofToken(token, "k"), SoftHsm.PIN, null);
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "a", Pkcs11Uri.ofToken(token, "k2"), "0000", null),
                "refused the PIN"); // the token is logged in now and would take any PIN: Muster compares it
        store.deleteIssuingCa(INSTANCE, "logged-in");
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "b", Pkcs11Uri.ofToken("no-such-token", "k"),
                SoftHsm.PIN, null), "no token labelled 'no-such-token'");
        refused(() -> issuance.createPkcs11IssuingCa(INSTANCE, "c", Pkcs11Uri.ofToken(token, "absent"), SoftHsm.PIN,
                Certificates.pem(CertificateMaker.root("R", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256),
                        Duration.ofDays(3)))), "holds no key labelled 'absent'");
        CertificateIssuance noLibrary = new CertificateIssuance(store, Clock.systemUTC(),
                new Pkcs11Tokens("/nonexistent/libpkcs11.so"));
        refused(() -> noLibrary.createPkcs11IssuingCa(INSTANCE, "d", Pkcs11Uri.ofToken(token, "k"), SoftHsm.PIN, null),
                "--pkcs11-library");
        assertThat(store.issuingCas(INSTANCE)).isEmpty();
    }

    @Test
    void aUriReadsAndPrintsTheRfc7512Way() {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:token=my%20hsm;object=ca-key");
        assertThat(uri.token()).isEqualTo("my hsm");
        assertThat(uri).hasToString("pkcs11:token=my%20hsm;object=ca-key");
        assertThat(Pkcs11Uri.parse("pkcs11:slot-id=7;object=k").slotId()).isEqualTo(7L);
        refused(() -> Pkcs11Uri.parse("pkcs11:token=t;object=k?pin-value=1234"), "PIN");
    }

    private CertificatePolicy policy;

    /** Issues from a policy naming the first CA made in the test. */
    private synchronized X509Certificate issueLeaf(String registrationId) {
        if (policy == null) {
            policy = issuance.createPolicy(INSTANCE, new CertificatePolicy("hsm-policy",
                    store.issuingCas(INSTANCE).get(0).name(), 10, EnumSet.allOf(KeyType.class), null));
        }
        return issueLeaf(policy, registrationId);
    }

    private X509Certificate issueLeaf(CertificatePolicy policy, String registrationId) {
        CsrVerdict.Accepted accepted = (CsrVerdict.Accepted) issuance.check(policy, registrationId,
                Csrs.csr("CN=" + registrationId, Csrs.keys(CertificateMaker.KeyType.EC_P256)));
        return issuance.issue(INSTANCE, policy, registrationId, accepted).chain().leaf();
    }

    private static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProvisioningException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(400);
            assertThat(e.getMessage()).contains(reason);
        });
    }
}
