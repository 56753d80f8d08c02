package dev.muster.core.x509;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Azure's {@code X509CertificateInfo}, filled in by the server for every certificate of an X.509 attestation. The
 * Java service SDK requires every field when {@code info} is present.
 */
public record X509CertificateInfo(String subjectName, String sha1Thumbprint, String sha256Thumbprint, String issuerName,
                                  String notBeforeUtc, String notAfterUtc, String serialNumber, Integer version) {
    private static final DateTimeFormatter UTC_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    public static X509CertificateInfo of(X509Certificate c) {
        return new X509CertificateInfo(Certificates.subject(c), Certificates.sha1(c), Certificates.sha256(c),
                Certificates.issuer(c), utc(c.getNotBefore().toInstant()), utc(c.getNotAfter().toInstant()),
                c.getSerialNumber().toString(16).toUpperCase(), c.getVersion());
    }

    /** Seconds precision with {@code Z}, as Azure shows certificate dates. */
    public static String utc(Instant t) {
        return UTC_SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
