package dev.muster.server.http;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.registration.TpmChallenge;
import dev.muster.transport.Exchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Azure's ProvisioningServiceErrorDetails body (reference §1.6), the one every DPS transport sends, and its HTTPS form
 * with the x-ms-error-code header and, for TPM, the challenge fields only HTTPS carries this way.
 */
public final class DpsErrors {
    private DpsErrors() {}

    /**
     * A failed request: a {@link ProvisioningException} is the caller's own refusal; anything else is our fault and
     * the caller learns no more than "internal error" (the caller of this method logs the cause).
     */
    public static ProvisioningException refusal(Throwable failure) {
        return failure instanceof ProvisioningException p ? p
                : new ProvisioningException(500, 500000, "Internal error; see the server log.");
    }

    /** The error body in Azure's field order; mutable, so HTTPS can append the TPM challenge fields. */
    public static Map<String, Object> body(ProvisioningException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", e.errorCode());
        body.put("trackingId", Ids.trackingId());
        body.put("message", e.getMessage());
        body.put("timestampUtc", Timestamps.format(Instant.now()));
        return body;
    }

    public static void send(Exchange ex, ProvisioningException e) {
        Map<String, Object> body = body(e);
        if (e instanceof TpmChallenge challenge) {
            // The TPM challenge: the SDKs read authenticationKey (C also keyName) and must find no "status".
            body.put("authenticationKey", challenge.authenticationKey());
            body.put("keyName", TpmChallenge.KEY_NAME);
        }
        Map<String, String> headers = new LinkedHashMap<>(e.headers());
        headers.put("x-ms-error-code", Integer.toString(e.errorCode()));
        ex.json(e.httpStatus(), body, headers);
    }
}
