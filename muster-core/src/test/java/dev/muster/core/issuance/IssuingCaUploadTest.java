package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class IssuingCaUploadTest {
    private static final String INSTANCE = "contoso";
    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final CertificateIssuance issuance = new CertificateIssuance(store, Clock.systemUTC());
    private final KeyPair rootKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
    private final X509Certificate root = CertificateMaker.root("Operator Root", rootKeys, Duration.ofDays(365));
    private final KeyPair icaKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384);
    private final X509Certificate ica = CertificateMaker.intermediate("Operator ICA", icaKeys, root,
            rootKeys.getPrivate(), Duration.ofDays(100));

    @Test
    void anIntermediateWithItsRootIsAcceptedAndAPolicyNamingItIssuesChainsEndingWithTheRoot() {
        IssuingCa ca = issuance.uploadIssuingCa(INSTANCE, "fleet", Certificates.pem(List.of(ica, root)),
                Certificates.pem(icaKeys.getPrivate()));
        assertThat(ca.kind()).isEqualTo(IssuingCa.Kind.UPLOADED);
        issuance.createPolicy(INSTANCE, new CertificatePolicy("fleet-policy", "fleet", 10,
                EnumSet.allOf(KeyType.class), null));
        CertificatePolicy policy = issuance.policy(INSTANCE, "fleet-policy").orElseThrow();
        CsrVerdict.Accepted accepted = (CsrVerdict.Accepted) issuance.check(policy, "dev-1", Csrs.csr("CN=dev-1", Csrs.keys(CertificateMaker.KeyType.EC_P256)));
        IssuedChain chain = issuance.issue(INSTANCE, policy, "dev-1", accepted).chain();
        assertThat(chain.certificates()).hasSize(3).endsWith(ica, root);
        assertThat(issuance.issuingCas(INSTANCE)).extracting(IssuingCa::name).containsExactly("default", "fleet");
    }

    @Test
    void aSelfSignedRootAloneIsAcceptedWithATraditionalPemKey() throws Exception {
        IssuingCa ca = issuance.uploadIssuingCa(INSTANCE, "root-ca", Certificates.pem(root),
                traditionalPem(rootKeys));
        assertThat(ca.chain()).containsExactly(root);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        KeyPair other = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384);
        refused(Certificates.pem(List.of(ica, root)), Certificates.pem(other.getPrivate()),
                "does not match the CA certificate");
    }

    @Test
    void aKeyOfAnotherTypeIsRefusedAsNotMatching() {
        refused(Certificates.pem(List.of(ica, root)),
                Certificates.pem(CertificateMaker.keyPair(CertificateMaker.KeyType.RSA_2048).getPrivate()),
                "does not match");
    }

    @Test
    void anUnreadableKeyIsRefused() {
        refused(Certificates.pem(List.of(ica, root)), "not a key", "PKCS#8");
    }

    @Test
    void aCertificateThatIsNotACaIsRefused() {
        KeyPair leafKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate leaf = CertificateMaker.device("not-a-ca", leafKeys, root, rootKeys.getPrivate(),
                Duration.ofDays(10));
        refused(Certificates.pem(List.of(leaf, root)), Certificates.pem(leafKeys.getPrivate()), "is not a CA");
    }

    @Test
    void aCaWithoutKeyCertSignIsRefused() throws Exception {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X500Name name = new X500Name("CN=No CertSign");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TEN,
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plus(Duration.ofDays(10))), name,
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign));
        X509Certificate noCertSign = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        refused(Certificates.pem(noCertSign), Certificates.pem(keys.getPrivate()), "keyCertSign");
    }

    @Test
    void aChainOutOfOrderIsRefused() {
        KeyPair otherKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate otherRoot = CertificateMaker.root("Other Root", otherKeys, Duration.ofDays(365));
        refused(Certificates.pem(List.of(ica, otherRoot)), Certificates.pem(icaKeys.getPrivate()),
                "is not signed by the next certificate");
    }

    @Test
    void anExpiredCaIsRefused() {
        refusedValidFrom(Instant.now().minus(Duration.ofDays(20)), Instant.now().minus(Duration.ofDays(1)),
                "expired at");
    }

    @Test
    void aCaNotYetValidIsRefused() {
        refusedValidFrom(Instant.now().plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(20)),
                "is not valid before");
    }

    private void refusedValidFrom(Instant from, Instant until, String reason) {
        KeyPair keys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate ca = CertificateMaker.builder("Out Of Time ICA", keys.getPublic()).ca(0).validity(from, until)
                .signedBy(root, rootKeys.getPrivate());
        refused(Certificates.pem(List.of(ca, root)), Certificates.pem(keys.getPrivate()), reason);
    }

    @Test
    void anIntermediateAloneIsRefusedAskingForItsIssuers() {
        refused(Certificates.pem(ica), Certificates.pem(icaKeys.getPrivate()), "give its issuers up to the root");
    }

    @Test
    void aChainThatStopsShortOfTheRootIsRefused() {
        KeyPair subKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate sub = CertificateMaker.intermediate("Sub ICA", subKeys, ica, icaKeys.getPrivate(),
                Duration.ofDays(50));
        refused(Certificates.pem(List.of(sub, ica)), Certificates.pem(subKeys.getPrivate()),
                "does not end with a self-signed root");
    }

    @Test
    void namesAreUniqueAndDefaultIsTheGeneratedOnes() {
        issuance.uploadIssuingCa(INSTANCE, "fleet", Certificates.pem(root), Certificates.pem(rootKeys.getPrivate()));
        assertThatThrownBy(() -> issuance.uploadIssuingCa(INSTANCE, "FLEET", Certificates.pem(root),
                Certificates.pem(rootKeys.getPrivate())))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
        assertThatThrownBy(() -> issuance.uploadIssuingCa(INSTANCE, "default", Certificates.pem(root),
                Certificates.pem(rootKeys.getPrivate())))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    }

    @Test
    void aPolicyMayNotNameACaTheInstanceLacks() {
        assertThatThrownBy(() -> issuance.createPolicy(INSTANCE, new CertificatePolicy("p", "nowhere", 10,
                EnumSet.allOf(KeyType.class), null)))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("nowhere");
                });
    }

    @Test
    void aCaIsDeletableOnlyWhileNoPolicyNamesItAndDefaultNever() {
        List<String> changed = new ArrayList<>();
        issuance.onIssuingCaChange(changed::add);
        issuance.uploadIssuingCa(INSTANCE, "fleet", Certificates.pem(root), Certificates.pem(rootKeys.getPrivate()));
        issuance.createPolicy(INSTANCE, new CertificatePolicy("uses-fleet", "fleet", 10, EnumSet.allOf(KeyType.class),
                null));
        assertThatThrownBy(() -> issuance.deleteIssuingCa(INSTANCE, "fleet"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("uses-fleet");
                });
        assertThatThrownBy(() -> issuance.deleteIssuingCa(INSTANCE, "default"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
        assertThatThrownBy(() -> issuance.deleteIssuingCa(INSTANCE, "absent"))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));

        issuance.uploadIssuingCa(INSTANCE, "spare", Certificates.pem(root), Certificates.pem(rootKeys.getPrivate()));
        issuance.deleteIssuingCa(INSTANCE, "spare");
        assertThat(issuance.findIssuingCa(INSTANCE, "spare")).isEmpty();
        assertThat(changed).containsExactly(INSTANCE, INSTANCE, INSTANCE);
    }

    private void refused(String certificates, String key, String reason) {
        assertThatThrownBy(() -> issuance.uploadIssuingCa(INSTANCE, "operator", certificates, key))
                .isInstanceOfSatisfying(ProvisioningException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(reason);
                });
        assertThat(store.issuingCa(INSTANCE, "operator")).as("nothing stored").isEmpty();
    }

    /** {@code BEGIN EC PRIVATE KEY} with the curve's OID, as {@code openssl ecparam -genkey} writes it. */
    private static String traditionalPem(KeyPair keys) throws Exception {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(
                info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getKey(),
                null, info.getPrivateKeyAlgorithm().getParameters());
        java.io.StringWriter w = new java.io.StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
        }
        return w.toString();
    }
}
