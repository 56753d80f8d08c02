package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.x509.CertificateMaker;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;

class CrlPublisherTest {
    private static final String INSTANCE = "contoso";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final CertificateIssuance issuance = new CertificateIssuance(store, clock,
            (instance, ca) -> "http://pki.example/crl/" + instance + "/" + ca + ".crl");
    private final CrlPublisher publisher = new CrlPublisher(store, clock);

    private IssuedCertificate issue(String registrationId) {
        CertificatePolicy policy = issuance.policy(INSTANCE, null).orElseThrow();
        var key = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256).getPublic();
        return issuance.issue(INSTANCE, policy, registrationId, new CsrVerdict.Accepted(key, KeyType.EC_P256))
                .record();
    }

    private static X509CRL parse(PublishedCrl crl) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.der()));
    }

    private static long crlNumber(X509CRL crl) {
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        return ASN1Integer.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getValue().longValueExact();
    }

    @Test
    void anUnknownCaHasNoCrl() {
        assertThat(publisher.current(INSTANCE, "default")).as("the default CA is not made by a CRL fetch").isEmpty();
    }

    @Test
    void theCrlListsTheRevokedSerialsWithTheirDatesAndVerifiesWithTheCasKey() throws Exception {
        IssuedCertificate kept = issue("dev-1");
        IssuedCertificate revoked = issue("dev-2");
        clock.advance(Duration.ofMinutes(1));
        Instant revokedAt = clock.instant();
        assertThat(issuance.revoke(INSTANCE, "dev-2", null)).hasSize(1);

        X509CRL crl = parse(publisher.current(INSTANCE, "default").orElseThrow());
        IssuingCa ca = issuance.issuingCa(INSTANCE, "default");
        crl.verify(ca.certificate().getPublicKey());
        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(crl.getThisUpdate().toInstant()).isEqualTo(clock.instant());
        assertThat(crl.getNextUpdate().toInstant()).isEqualTo(clock.instant().plus(CrlPublisher.LIFE));
        X509CRLEntry entry = crl.getRevokedCertificate(new BigInteger(revoked.serialNumber(), 16));
        assertThat(entry).isNotNull();
        assertThat(entry.getRevocationDate().toInstant()).isEqualTo(revokedAt);
        assertThat(crl.getRevokedCertificate(new BigInteger(kept.serialNumber(), 16))).isNull();
        assertThat(crl.getRevokedCertificates()).hasSize(1);
        byte[] aki = ASN1OctetString.getInstance(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()))
                .getOctets();
        byte[] ski = ASN1OctetString.getInstance(ca.certificate().getExtensionValue(
                Extension.subjectKeyIdentifier.getId())).getOctets();
        assertThat(AuthorityKeyIdentifier.getInstance(aki).getKeyIdentifier())
                .isEqualTo(SubjectKeyIdentifier.getInstance(ski).getKeyIdentifier());
        assertThat(crl.getCriticalExtensionOIDs()).as("CRL Number and AKI are non-critical").isNullOrEmpty();
    }

    @Test
    void theSameCrlIsServedUntilARevocationOrHalfItsLifeThenTheNumberGrows() throws Exception {
        issue("dev-1");
        issue("dev-2");
        PublishedCrl first = publisher.current(INSTANCE, "default").orElseThrow();
        assertThat(first.number()).isEqualTo(1);
        clock.advance(Duration.ofHours(1));
        assertThat(publisher.current(INSTANCE, "default")).contains(first);

        issuance.revoke(INSTANCE, "dev-1", null);
        PublishedCrl second = publisher.current(INSTANCE, "default").orElseThrow();
        assertThat(second.number()).isEqualTo(2);
        assertThat(parse(second).getRevokedCertificates()).hasSize(1);
        assertThat(crlNumber(parse(second))).isEqualTo(2);

        clock.advance(CrlPublisher.LIFE.dividedBy(2));
        PublishedCrl third = publisher.current(INSTANCE, "default").orElseThrow();
        assertThat(third.number()).isEqualTo(3);
        assertThat(third.thisUpdate()).isEqualTo(clock.instant());
        assertThat(parse(third).getRevokedCertificates()).as("still listed").hasSize(1);
    }

    @Test
    void aNodeThatLosesTheRaceServesTheWinnersCrlInsteadOfGoingBack() throws Exception {
        issue("dev-1");
        PublishedCrl first = publisher.current(INSTANCE, "default").orElseThrow();
        issuance.revoke(INSTANCE, "dev-1", null);
        // Another node replaced CRL 1 first.
        PublishedCrl theirs = new PublishedCrl(2, clock.instant(), clock.instant().plus(CrlPublisher.LIFE), 1,
                first.der());
        assertThat(store.publishCrl(INSTANCE, "default", 1, theirs)).isTrue();
        assertThat(store.publishCrl(INSTANCE, "default", 1, theirs)).as("conditional on the number read").isFalse();
        assertThat(publisher.current(INSTANCE, "default")).contains(theirs);
    }

    @Test
    void theDefaultPolicysLeavesPointAtTheirCasCrlUnlessThePolicyNamesOne() throws Exception {
        assertThat(issuance.policy(INSTANCE, null).orElseThrow().crlDistributionPoint())
                .isEqualTo("http://pki.example/crl/contoso/default.crl");
        issuance.createPolicy(INSTANCE, new CertificatePolicy("fleet", "default", 7, EnumSet.allOf(KeyType.class),
                null));
        issuance.createPolicy(INSTANCE, new CertificatePolicy("mirrored", "default", 7, EnumSet.allOf(KeyType.class),
                "http://mirror.example/ca.crl"));
        assertThat(issuance.policy(INSTANCE, "fleet").orElseThrow().crlDistributionPoint())
                .isEqualTo("http://pki.example/crl/contoso/default.crl");
        assertThat(issuance.policy(INSTANCE, "mirrored").orElseThrow().crlDistributionPoint())
                .isEqualTo("http://mirror.example/ca.crl");
        assertThat(issuance.policies(INSTANCE)).extracting(CertificatePolicy::crlDistributionPoint)
                .doesNotContainNull();
        List<CertificatePolicy> none = new CertificateIssuance(store, clock).policies(INSTANCE);
        assertThat(none).filteredOn(p -> p.name().equals("fleet")).extracting(CertificatePolicy::crlDistributionPoint)
                .containsOnlyNulls();
    }
}
