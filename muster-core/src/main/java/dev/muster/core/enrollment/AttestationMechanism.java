package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code attestation} of an enrollment. The TPM and X.509 parts are kept as JSON until their attestation
 * modules give them types; symmetric keys are typed because registration verifies them.
 */
public record AttestationMechanism(String type, JsonNode tpm, JsonNode x509, SymmetricKeyAttestation symmetricKey) {
    public static final String SYMMETRIC_KEY = "symmetricKey";
    public static final String X509 = "x509";
    public static final String TPM = "tpm";
    public static final String NONE = "none";

    public static AttestationMechanism symmetricKey(String primaryKey, String secondaryKey) {
        return new AttestationMechanism(SYMMETRIC_KEY, null, null, new SymmetricKeyAttestation(primaryKey, secondaryKey));
    }

    public boolean isX509() {
        return X509.equalsIgnoreCase(type);
    }

    public boolean isSymmetricKey() {
        return SYMMETRIC_KEY.equalsIgnoreCase(type);
    }
}
