package dev.muster.core.registration;

import dev.muster.core.ProvisioningException;

/** A register request whose {@code csr} cannot be honoured: a 400 for the device, the reason for operators. */
final class CsrRefused extends ProvisioningException {
    private final String reason;

    CsrRefused(int errorCode, String deviceMessage, String reason) {
        super(400, errorCode, deviceMessage);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
