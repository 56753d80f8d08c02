package dev.muster.core.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * Signs a device's operational leaf: CN = registration ID, CA:FALSE, digitalSignature, clientAuth, the policy's CRL
 * distribution point, a random 128-bit serial, valid from a few minutes ago (devices' clocks drift) for the policy's
 * days. Signing is local: no round trip to a CA.
 */
public final class CertificateIssuer {
    /** Backdating covers devices whose clock runs a little behind the server's. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    public CertificateIssuer(Clock clock) {
        this.clock = clock;
    }

    public IssuedChain issue(IssuingCa ca, CertificatePolicy policy, String registrationId, PublicKey deviceKey) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(Duration.ofDays(policy.validityDays()));
        // A leaf never outlives its CA: relying parties would reject it from the CA's expiry on anyway.
        Date caEnd = ca.certificate().getNotAfter();
        if (caEnd.toInstant().isBefore(notAfter)) {
            notAfter = caEnd.toInstant();
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, registrationId).build();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, deviceKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(deviceKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (policy.crlDistributionPoint() != null) {
                GeneralNames uri = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                        policy.crlDistributionPoint()));
                b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                        new DistributionPoint(new DistributionPointName(uri), null, null)}));
            }
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                    b.build(ca.contentSigner()));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(leaf);
            chain.addAll(ca.chain());
            return new IssuedChain(chain);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign a certificate for " + registrationId + " with CA " + ca.name()
                    + ": " + e.getMessage(), e);
        }
    }

    /** 128 random bits, positive and never zero (RFC 5280 §4.1.2.2: at most 20 octets). */
    private static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }
}
