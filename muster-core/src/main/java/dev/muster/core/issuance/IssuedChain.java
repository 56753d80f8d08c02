package dev.muster.core.issuance;

import dev.muster.core.x509.Certificates;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A signed leaf and the certificates above it: leaf first, then the issuing CA and any intermediates, the root last
 * (each the issuer of the one before), as {@code registrationState.issuedCertificateChain} lists them.
 */
public record IssuedChain(List<X509Certificate> certificates) {
    public IssuedChain {
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("an issued chain has at least its leaf");
        }
    }

    public X509Certificate leaf() {
        return certificates.get(0);
    }

    /** Serial number of the leaf, upper-case hex: how inventory, revocation and CRLs name it. */
    public String serialNumber() {
        return leaf().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    public String sha256Thumbprint() {
        return Certificates.sha256(leaf());
    }

    /** Each certificate as base64 DER (spec: {@code format: byte}), in chain order. */
    public List<String> base64Der() {
        return certificates.stream().map(IssuedChain::base64).toList();
    }

    private static String base64(X509Certificate c) {
        try {
            return Base64.getEncoder().encodeToString(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
