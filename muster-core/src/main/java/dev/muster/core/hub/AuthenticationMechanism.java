package dev.muster.core.hub;

import dev.muster.core.enrollment.SymmetricKeyAttestation;

/** Hub device authentication: type {@code sas}, {@code selfSigned} or {@code certificateAuthority}. */
public record AuthenticationMechanism(String type, SymmetricKeyAttestation symmetricKey, X509Thumbprint x509Thumbprint) {
    public static final String SAS = "sas";
    public static final String SELF_SIGNED = "selfSigned";
    public static final String CERTIFICATE_AUTHORITY = "certificateAuthority";

    public static AuthenticationMechanism sas(String primaryKey, String secondaryKey) {
        return new AuthenticationMechanism(SAS, new SymmetricKeyAttestation(primaryKey, secondaryKey), null);
    }
}
