package dev.muster.core.issuance;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;

/**
 * Signs an RFC 5280 v2 CRL for one issuing CA: each revoked certificate's serial with its revocation date, thisUpdate
 * and nextUpdate, the CRL Number and the Authority Key Identifier (both non-critical, §5.2.1, §5.2.3). Entries carry
 * no reason code: §5.3.1 says to leave out "unspecified" rather than send it. Signed through
 * {@link IssuingCa#contentSigner()} only, so a CA whose key sits in a token signs its CRLs the same way.
 */
public final class CrlBuilder {
    private CrlBuilder() {}

    /** @param revoked the CA's revoked certificates (their {@code revokedAt} set) */
    public static byte[] build(IssuingCa ca, List<IssuedCertificate> revoked, long number, Instant thisUpdate,
                               Instant nextUpdate) {
        try {
            X509v2CRLBuilder b = new JcaX509v2CRLBuilder(ca.certificate(), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            for (IssuedCertificate c : revoked) {
                // No reason code: RFC 5280 §5.3.1 prefers an absent one to "unspecified".
                b.addCRLEntry(new BigInteger(c.serialNumber(), 16), Date.from(c.revokedAt()), (org.bouncycastle.asn1.x509.Extensions) null);
            }
            b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            return b.build(ca.contentSigner()).getEncoded();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign CRL " + number + " of CA " + ca.name() + ": "
                    + e.getMessage(), e);
        }
    }
}
