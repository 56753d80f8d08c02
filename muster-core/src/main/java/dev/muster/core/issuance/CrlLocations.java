package dev.muster.core.issuance;

/**
 * Where relying parties fetch an issuing CA's CRL: the URL written as the CRL distribution point of the leaves it
 * signs. The server knows its CRL listener's address; core only asks (no HTTP here).
 */
@FunctionalInterface
public interface CrlLocations {
    /** No CRL is published: leaves carry a distribution point only when their policy names one. */
    CrlLocations NONE = (instance, issuingCa) -> null;

    /** @return the http URL of the CA's CRL, or null when none is published */
    String url(String instance, String issuingCa);
}
