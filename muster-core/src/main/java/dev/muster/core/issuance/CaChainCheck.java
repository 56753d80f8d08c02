package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.Certificates;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.operator.ContentSigner;

/**
 * What an operator's CA must be before Muster signs with it: a CA certificate (basicConstraints cA=true, keyCertSign)
 * whose key is the one given, valid now, each certificate signed by the next, ending with a self-signed root. Each
 * refusal is a 400 naming the certificate and what is wrong with it.
 */
public final class CaChainCheck {
    /** keyUsage bit 5 (RFC 5280 §4.2.1.3). */
    private static final int KEY_CERT_SIGN = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CaChainCheck() {}

    /**
     * @param chain the CA certificate first, then its issuers up to the root
     * @throws ProvisioningException 400 on the first problem found
     */
    public static void check(List<X509Certificate> chain, Instant now) {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String which = i == 0 ? "The CA certificate " : "Issuer certificate " + i + " ";
            if (c.getBasicConstraints() < 0) {
                throw ProvisioningException.badRequest(which + Certificates.describe(c) + " is not a CA"
                        + " (basicConstraints cA=true is missing).");
            }
            boolean[] usage = c.getKeyUsage();
            if (usage == null || usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN]) {
                throw ProvisioningException.badRequest(which + Certificates.describe(c) + " lacks the keyCertSign key"
                        + " usage, so it may not sign certificates.");
            }
            try {
                c.checkValidity(Date.from(now));
            } catch (CertificateExpiredException e) {
                throw ProvisioningException.badRequest(which + Certificates.describe(c) + " expired at "
                        + c.getNotAfter().toInstant() + ".");
            } catch (CertificateNotYetValidException e) {
                throw ProvisioningException.badRequest(which + Certificates.describe(c) + " is not valid before "
                        + c.getNotBefore().toInstant() + ".");
            }
            if (i + 1 < chain.size()) {
                X509Certificate issuer = chain.get(i + 1);
                if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) || !signedBy(c, issuer)) {
                    throw ProvisioningException.badRequest(which + Certificates.describe(c) + " is not signed by the"
                            + " next certificate " + Certificates.describe(issuer) + "; give the chain in order, the CA"
                            + " first and the root last.");
                }
            }
        }
        X509Certificate last = chain.get(chain.size() - 1);
        if (!Certificates.isSelfSigned(last)) {
            throw ProvisioningException.badRequest(chain.size() == 1
                    ? "The CA certificate " + Certificates.describe(last) + " is not self-signed: give its issuers up to"
                    + " the root after it (issuer '" + Certificates.issuer(last) + "')."
                    : "The chain does not end with a self-signed root: " + Certificates.describe(last) + " is issued by '"
                    + Certificates.issuer(last) + "'; add the certificates up to the root.");
        }
    }

    /** The key belongs to the certificate: a random challenge it signs verifies with the certificate's public key. */
    public static void requireKeyMatches(ContentSigner signer, X509Certificate ca) {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        try {
            signer.getOutputStream().write(challenge);
            byte[] signature = signer.getSignature();
            Signature verifier = Signature.getInstance(IssuingCa.signatureAlgorithm(ca.getPublicKey()));
            verifier.initVerify(ca.getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            // A key of another type or curve cannot make a signature the certificate's key verifies: same answer.
        }
        throw ProvisioningException.badRequest("The private key does not match the CA certificate "
                + Certificates.describe(ca) + "'s public key.");
    }

    private static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        PublicKey key = issuer.getPublicKey();
        try {
            c.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
