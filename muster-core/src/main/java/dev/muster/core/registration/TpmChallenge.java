package dev.muster.core.registration;

import dev.muster.core.ProvisioningException;

/**
 * The 401 a TPM device gets on its first register call: the activation blob ({@code authenticationKey}) carrying the
 * key it must sign its next request with. Transports add {@code authenticationKey} and {@code keyName} to the error
 * body (and never a {@code status}, which the C SDK would read as a final answer).
 */
public final class TpmChallenge extends ProvisioningException {
    public static final String KEY_NAME = "registration";

    private final String authenticationKey;

    public TpmChallenge(String authenticationKey) {
        super(401, 401002, "Activate the authenticationKey in the TPM and register again with a SAS token signed by it.");
        this.authenticationKey = authenticationKey;
    }

    public String authenticationKey() {
        return authenticationKey;
    }
}
