package dev.muster.core.x509;

import java.util.List;

/**
 * Who refers to an instance's CA certificates by name: enrollment groups, through the {@code caReferences} of their
 * X.509 attestation. The enrollment store answers; the certificates need not know what an enrollment is.
 */
@FunctionalInterface
public interface CertificateReferences {
    /** IDs of the enrollment groups whose caReferences name certificate {@code name} (case-insensitive). */
    List<String> groupsReferringTo(String instance, String name);
}
