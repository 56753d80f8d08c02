package dev.muster.core.tpm;

/**
 * A TPM key or structure the service cannot use: malformed or truncated marshaling, an unsupported algorithm
 * (ECC, a non-SHA-256 name algorithm, …). The message is meant for the device owner, so it says what was wrong
 * and, where there is one, what to use instead. Transports map it to a 400 response.
 */
public class TpmException extends RuntimeException {
    public TpmException(String message) {
        super(message);
    }

    public TpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
