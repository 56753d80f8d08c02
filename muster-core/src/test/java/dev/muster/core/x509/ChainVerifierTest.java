package dev.muster.core.x509;

import static dev.muster.core.x509.TestPki.chain;
import static dev.muster.core.x509.TestPki.daysAgo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.x509.CertificateMaker.KeyType;
import dev.muster.core.x509.TestPki.Issued;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChainVerifierTest {
    private final ChainVerifier verifier = new ChainVerifier(Clock.systemUTC(), 16);
    private final Issued root = TestPki.root("Test Root");
    private final Issued intermediate = root.issueCa("Test Intermediate");

    private ChainVerifier.Outcome verify(Issued leaf, List<X509Certificate> sent, X509Certificate... anchors) {
        return verifier.verify(leaf.cert(), sent, List.of(), List.of(anchors), null);
    }

    @Test
    void leafThroughAnIntermediateToTheRootIsValid() {
        Issued device = intermediate.issueDevice("device-1");
        ChainVerifier.Outcome o = verify(device, chain(intermediate), root.cert());
        assertThat(o.valid()).as(o.reason()).isTrue();
        assertThat(o.path()).containsExactly(device.cert(), intermediate.cert(), root.cert());
        assertThat(o.anchor()).isEqualTo(root.cert());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "RSA_2048"})
    void rsaAndEcdsaKeysAreAccepted(KeyType type) {
        Issued r = TestPki.root("Root " + type, type);
        Issued device = r.issueDevice("dev-" + type, type);
        ChainVerifier.Outcome o = verify(device, List.of(), r.cert());
        assertThat(o.valid()).as(o.reason()).isTrue();
    }

    @Test
    void aShortRsaKeyIsRefused() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair weak = g.generateKeyPair();
        Issued device = root.issue(TestPki.leafBuilder("weak", weak), weak);
        assertThat(verify(device, List.of(), root.cert()).reason()).contains("1024-bit RSA key")
                .contains("at least 2048");
    }

    @Test
    void expiredAndNotYetValidDeviceCertificatesAreRefused() {
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued expired = intermediate.issue(TestPki.leafBuilder("old", kp).validity(daysAgo(10), daysAgo(1)), kp);
        assertThat(verify(expired, chain(intermediate), root.cert()).reason())
                .startsWith("device certificate 'CN=old, O=Muster'").contains("expired on");
        Issued future = intermediate.issue(TestPki.leafBuilder("new", kp)
                .validity(daysAgo(-2), daysAgo(-30)), kp);
        assertThat(verify(future, chain(intermediate), root.cert()).reason()).contains("is not valid yet");
    }

    @Test
    void anExpiredIntermediateIsNamed() {
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued oldCa = root.issue(CertificateMaker.builder("Old Intermediate", kp.getPublic()).ca(-1)
                .validity(daysAgo(100), daysAgo(1)), kp);
        KeyPair dk = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued device = oldCa.issue(TestPki.leafBuilder("d", dk), dk);
        assertThat(verify(device, chain(oldCa), root.cert()).reason())
                .startsWith("intermediate CA certificate 'CN=Old Intermediate, O=Muster'").contains("expired on");
    }

    @Test
    void aCaWithoutBasicConstraintsMayNotSign() {
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued notCa = root.issue(CertificateMaker.builder("Not A CA", kp.getPublic()).noBasicConstraints()
                .validFor(Duration.ofDays(10)), kp);
        Issued device = notCa.issueDevice("d2");
        assertThat(verify(device, chain(notCa), root.cert()).reason())
                .contains("'CN=Not A CA, O=Muster'").contains("lacks basicConstraints CA=true");
    }

    @Test
    void pathLengthConstraintsAreEnforced() {
        KeyPair rk = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued strictRoot = new Issued(CertificateMaker.builder("Strict Root", rk.getPublic()).ca(0)
                .validFor(Duration.ofDays(10)).signedBy(null, rk.getPrivate()), rk);
        Issued sub = strictRoot.issueCa("Sub CA");
        Issued device = sub.issueDevice("d3");
        assertThat(verify(device, chain(sub), strictRoot.cert()).reason()).contains("pathLenConstraint 0");
    }

    @Test
    void aLeafWhoseExtendedKeyUsageExcludesClientAuthIsRefused() {
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued server = root.issue(TestPki.leafBuilder("srv", kp).extendedKeyUsage("1.3.6.1.5.5.7.3.1"), kp);
        assertThat(verify(server, List.of(), root.cert()).reason())
                .contains("extended key usage [1.3.6.1.5.5.7.3.1]").contains("clientAuth");
    }

    @Test
    void aCertificateFromAnUnrelatedCaFindsNoChain() {
        Issued other = TestPki.root("Other Root");
        Issued device = other.issueDevice("device-1");
        assertThat(verify(device, List.of(), root.cert()).reason())
                .startsWith("no chain from 'CN=device-1, O=Muster'").contains("issued by 'CN=Other Root, O=Muster'")
                .contains("CN=Test Root");
    }

    @Test
    void anImpostorCaWithTheSameNameIsCaughtByTheSignature() {
        Issued impostorRoot = TestPki.root("Test Root");
        Issued device = impostorRoot.issueDevice("device-1");
        assertThat(verify(device, List.of(), root.cert()).reason())
                .contains("signature does not verify with the public key of 'CN=Test Root, O=Muster'");
        // The impostor sends its own root along: still no path to the trusted one.
        assertThat(verify(device, chain(impostorRoot), root.cert()).valid()).isFalse();
    }

    @Test
    void aSelfSignedImpostorWithTheSameCnIsRefused() {
        Issued genuine = intermediate.issueDevice("device-1");
        Issued impostor = TestPki.selfSignedDevice("device-1");
        assertThat(verify(genuine, chain(intermediate), root.cert()).valid()).isTrue();
        assertThat(verify(impostor, chain(intermediate), root.cert()).reason()).startsWith("no chain from");
    }

    @Test
    void aRequiredSignerMustBeOnThePath() {
        Issued otherIntermediate = root.issueCa("Other Intermediate");
        Issued device = otherIntermediate.issueDevice("d4");
        ChainVerifier.Outcome o = verifier.verify(device.cert(), chain(otherIntermediate), List.of(intermediate.cert()),
                List.of(root.cert()), intermediate.cert());
        assertThat(o.reason()).contains("not through the enrollment's signing certificate")
                .contains("CN=Test Intermediate");
    }

    @Test
    void theCaPartOfAChainIsCachedAcrossDevices() {
        ChainVerifier.Outcome first = verify(intermediate.issueDevice("a"), chain(intermediate), root.cert());
        ChainVerifier.Outcome second = verify(intermediate.issueDevice("b"), chain(intermediate), root.cert());
        assertThat(first.cacheHit()).isFalse();
        assertThat(second.valid()).isTrue();
        assertThat(second.cacheHit()).isTrue();
        assertThat(verifier.cacheHits()).isEqualTo(1);
        // A hit still checks the leaf: an impostor under the cached CA part is refused.
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        Issued forged = new Issued(TestPki.leafBuilder("c", kp).signedBy(intermediate.cert(), kp.getPrivate()), kp);
        assertThat(verify(forged, chain(intermediate), root.cert()).reason()).contains("signature does not verify");

        verifier.setCacheEnabled(false);
        assertThat(verify(intermediate.issueDevice("d"), chain(intermediate), root.cert()).cacheHit()).isFalse();
    }

    @Test
    void theCacheIsBounded() {
        ChainVerifier small = new ChainVerifier(Clock.systemUTC(), 2);
        for (int i = 0; i < 5; i++) {
            Issued ca = root.issueCa("CA " + i);
            assertThat(small.verify(ca.issueDevice("d").cert(), chain(ca), List.of(), List.of(root.cert()), null)
                    .valid()).isTrue();
        }
        assertThat(small.cacheSize()).isEqualTo(2);
    }
}
