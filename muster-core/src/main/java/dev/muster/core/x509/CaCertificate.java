package dev.muster.core.x509;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A CA certificate in an instance's certificate store, as Azure keeps them for proof of possession: enrollment groups
 * refer to it by name ({@code caReferences}); it is trusted for devices once verified.
 *
 * @param certificate PEM
 * @param verificationCode the code a verification certificate's CN must carry; null when none is pending
 */
public record CaCertificate(String name, String certificate, String subject, String sha1Thumbprint,
                            String sha256Thumbprint, String notBeforeUtc, String expiryUtc, @JsonProperty("isVerified") boolean isVerified,
                            String verificationCode, String etag, String createdUtc, String updatedUtc) {

    public CaCertificate withVerification(boolean verified, String code, String newEtag, String updated) {
        return new CaCertificate(name, certificate, subject, sha1Thumbprint, sha256Thumbprint, notBeforeUtc, expiryUtc,
                verified, code, newEtag, createdUtc, updated);
    }
}
