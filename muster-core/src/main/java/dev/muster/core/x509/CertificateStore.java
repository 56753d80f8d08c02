package dev.muster.core.x509;

import java.util.List;
import java.util.Optional;

/** CA certificates of each instance, keyed by instance and case-insensitive name; writes swap on the etag. */
public interface CertificateStore {
    /** Ordered by lower-cased name. */
    List<CaCertificate> certificates(String instance);

    Optional<CaCertificate> certificate(String instance, String name);

    /** @return false if one with this name exists */
    boolean insertCertificate(String instance, CaCertificate certificate);

    /** @return false unless one exists with etag {@code expectedEtag} */
    boolean replaceCertificate(String instance, CaCertificate certificate, String expectedEtag);

    /** @param expectedEtag null deletes whatever is there @return false if nothing (matching) was deleted */
    boolean deleteCertificate(String instance, String name, String expectedEtag);
}
