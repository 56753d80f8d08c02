package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final CertificateIssuer issuer = new CertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC));
    private final IssuingCa ca = IssuingCa.generate(IssuingCa.DEFAULT, "contoso");
    private final CertificatePolicy policy = CertificatePolicy.defaultPolicy("http://127.0.0.1:8080/crl/contoso/default.crl");

    @Test
    void issuesAClientAuthLeafForTheRegistrationIdThatChainsToTheRoot() throws Exception {
        for (CertificateMaker.KeyType type : List.of(CertificateMaker.KeyType.EC_P256, CertificateMaker.KeyType.EC_P384,
                CertificateMaker.KeyType.RSA_2048)) {
            KeyPair device = CertificateMaker.keyPair(type);
            IssuedChain chain = issuer.issue(ca, policy, "dev-1", device.getPublic());
            X509Certificate leaf = chain.leaf();
            assertThat(leaf.getPublicKey()).isEqualTo(device.getPublic());
            assertThat(Certificates.commonName(leaf)).isEqualTo("dev-1");
            assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
            assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
            assertThat(leaf.getKeyUsage()[5]).as("keyCertSign").isFalse();
            assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
            assertThat(chain.certificates()).hasSize(2).last().isEqualTo(ca.root());
            validates(chain);
        }
    }

    @Test
    void theLeafIsValidForThePolicysDaysAndBackdatedForClockDrift() {
        CertificatePolicy week = new CertificatePolicy("week", "default", 7, EnumSet.allOf(KeyType.class), null);
        X509Certificate leaf = issuer.issue(ca, week, "dev-1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic()).leaf();
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(7)));
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateIssuer.BACKDATE));
        assertThat(leaf.getExtensionValue(Extension.cRLDistributionPoints.getId())).as("no CRL DP configured").isNull();
    }

    @Test
    void theLeafNamesThePolicysCrlDistributionPoint() {
        X509Certificate leaf = issuer.issue(ca, policy, "dev-1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic()).leaf();
        byte[] ext = leaf.getExtensionValue(Extension.cRLDistributionPoints.getId());
        CRLDistPoint dp = CRLDistPoint.getInstance(ASN1OctetString.getInstance(ext).getOctets());
        GeneralNames names = (GeneralNames) dp.getDistributionPoints()[0].getDistributionPoint().getName();
        assertThat(names.getNames()[0].getName().toString()).isEqualTo(policy.crlDistributionPoint());
    }

    @Test
    void serialsAreRandom128BitNumbers() {
        IssuedChain a = issuer.issue(ca, policy, "dev-1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic());
        IssuedChain b = issuer.issue(ca, policy, "dev-1", CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic());
        assertThat(a.leaf().getSerialNumber().bitLength()).isEqualTo(128);
        assertThat(a.serialNumber()).isNotEqualTo(b.serialNumber()).matches("[0-9A-F]{32}");
    }

    @Test
    void theChainIsBase64DerLeafFirst() throws Exception {
        IssuedChain chain = issuer.issue(ca, policy, "dev-1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic());
        CertificateFactory f = CertificateFactory.getInstance("X.509");
        List<String> der = chain.base64Der();
        assertThat(f.generateCertificate(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(der.get(0)))))
                .isEqualTo(chain.leaf());
        assertThat(f.generateCertificate(new java.io.ByteArrayInputStream(Base64.getDecoder().decode(der.get(1)))))
                .isEqualTo(ca.certificate());
    }

    @Test
    void anIntermediateCaSignsAndTheChainEndsWithItsRoot() throws Exception {
        KeyPair rootKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        X509Certificate root = CertificateMaker.root("Operator Root", rootKeys, Duration.ofDays(3650));
        KeyPair icaKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P384);
        X509Certificate ica = CertificateMaker.intermediate("Operator ICA", icaKeys, root, rootKeys.getPrivate(),
                Duration.ofDays(365));
        IssuingCa uploaded = new IssuingCa("operator", ica, List.of(root), icaKeys.getPrivate());
        IssuedChain chain = issuer.issue(uploaded, policy, "dev-1",
                CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic());
        assertThat(chain.certificates()).hasSize(3).endsWith(ica, root);
        validates(chain);
    }

    @Test
    void policiesKeepValidityWithinOneToNinetyDays() {
        Set<KeyType> all = EnumSet.allOf(KeyType.class);
        assertThatThrownBy(() -> new CertificatePolicy("p", "default", 0, all, null))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("validityDays");
        assertThatThrownBy(() -> new CertificatePolicy("p", "default", 91, all, null))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("1 to 90");
        assertThatThrownBy(() -> new CertificatePolicy("p", "default", 30, Set.of(), null))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("keyTypes");
        assertThatThrownBy(() -> new CertificatePolicy("p", "default", 30, all, "ldap://x/crl"))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("crlDistributionPoint");
        assertThat(new CertificatePolicy("p", "default", 90, all, "https://pki.example/ca.crl").validityDays())
                .isEqualTo(90);
    }

    /** The JDK's own PKIX validation, at the issue time, with the chain's root as the only anchor. */
    private static void validates(IssuedChain chain) throws Exception {
        List<X509Certificate> certs = chain.certificates();
        X509Certificate root = certs.get(certs.size() - 1);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(java.util.Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(certs.subList(0, certs.size() - 1)), params);
    }
}
