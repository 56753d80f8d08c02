package dev.muster.core.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.x509.CertificateMaker.KeyType;
import java.util.EnumSet;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.junit.jupiter.api.Test;

class CsrCheckTest {
    private static final CertificatePolicy ANY_KEY = CertificatePolicy.defaultPolicy(null);

    private static CsrVerdict.Refused refused(CsrVerdict v) {
        assertThat(v).isInstanceOf(CsrVerdict.Refused.class);
        CsrVerdict.Refused r = (CsrVerdict.Refused) v;
        assertThat(r.errorCode()).isEqualTo(CsrCheck.CSR_REFUSED);
        return r;
    }

    @Test
    void acceptsP256P384AndRsa2048RequestsWhoseCnIsTheRegistrationId() {
        assertThat(((CsrVerdict.Accepted) CsrCheck.check(Csrs.csr("CN=dev-1", Csrs.keys(KeyType.EC_P256)), "dev-1",
                ANY_KEY)).keyType()).isEqualTo(dev.muster.core.issuance.KeyType.EC_P256);
        assertThat(((CsrVerdict.Accepted) CsrCheck.check(Csrs.csr("O=Acme,CN=dev-1", Csrs.keys(KeyType.EC_P384)),
                "dev-1", ANY_KEY)).keyType()).isEqualTo(dev.muster.core.issuance.KeyType.EC_P384);
        assertThat(((CsrVerdict.Accepted) CsrCheck.check(Csrs.csr("CN=dev-1", Csrs.keys(KeyType.RSA_2048)), "dev-1",
                ANY_KEY)).keyType()).isEqualTo(dev.muster.core.issuance.KeyType.RSA);
    }

    @Test
    void refusesABrokenSignatureAsNoProofOfPossession() {
        String csr = Csrs.tampered(Csrs.csr("CN=dev-1", Csrs.keys(KeyType.EC_P256)));
        assertThat(refused(CsrCheck.check(csr, "dev-1", ANY_KEY)).reason()).contains("proof of possession");
    }

    @Test
    void refusesACnOtherThanTheRegistrationIdAndTellsOperatorsWhichCn() {
        CsrVerdict.Refused r = refused(CsrCheck.check(Csrs.csr("CN=dev-2", Csrs.keys(KeyType.EC_P256)), "dev-1",
                ANY_KEY));
        assertThat(r.reason()).contains("'dev-2'").contains("'dev-1'");
        // The device hears the rule, never another device's name.
        assertThat(r.deviceMessage()).doesNotContain("dev-2");
        assertThat(refused(CsrCheck.check(Csrs.csr("O=Acme", Csrs.keys(KeyType.EC_P256)), "dev-1", ANY_KEY)).reason())
                .contains("missing");
    }

    @Test
    void refusesARequestForACaCertificate() {
        assertThat(refused(CsrCheck.check(Csrs.caCsr("CN=dev-1", Csrs.keys(KeyType.EC_P256)), "dev-1", ANY_KEY))
                .reason()).contains("CA");
    }

    @Test
    void refusesUnexpectedExtensionsButToleratesOnesTheLeafSetsAnyway() {
        String crl = Csrs.withExtension("CN=dev-1", Csrs.keys(KeyType.EC_P256), Extension.cRLDistributionPoints,
                new org.bouncycastle.asn1.x509.CRLDistPoint(new org.bouncycastle.asn1.x509.DistributionPoint[0]));
        assertThat(refused(CsrCheck.check(crl, "dev-1", ANY_KEY)).reason()).contains("2.5.29.31");
        String san = Csrs.withExtension("CN=dev-1", Csrs.keys(KeyType.EC_P256), Extension.subjectAlternativeName,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "dev-1.example")));
        assertThat(CsrCheck.check(san, "dev-1", ANY_KEY)).isInstanceOf(CsrVerdict.Accepted.class);
    }

    @Test
    void refusesRsa1024WhateverThePolicy() {
        assertThat(refused(CsrCheck.check(Csrs.csr("CN=dev-1", Csrs.rsa(1024)), "dev-1", ANY_KEY)).reason())
                .contains("1024 bits");
    }

    @Test
    void refusesAKeyTypeThePolicyDoesNotAllow() {
        CertificatePolicy ecOnly = new CertificatePolicy("ec-only", "default", 7,
                EnumSet.of(dev.muster.core.issuance.KeyType.EC_P256), null);
        assertThat(refused(CsrCheck.check(Csrs.csr("CN=dev-1", Csrs.keys(KeyType.RSA_2048)), "dev-1", ecOnly))
                .reason()).contains("ec-only").contains("rsa");
    }

    @Test
    void refusesPemArmourAndGarbage() {
        assertThat(refused(CsrCheck.check("-----BEGIN CERTIFICATE REQUEST-----", "dev-1", ANY_KEY)).reason())
                .contains("base64");
        assertThat(refused(CsrCheck.check("aGVsbG8=", "dev-1", ANY_KEY)).reason()).contains("PKCS#10");
    }
}
