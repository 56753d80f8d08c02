package dev.muster.server.http;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.registration.TpmChallenge;
import dev.muster.transport.Exchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Azure's ProvisioningServiceErrorDetails body and x-ms-error-code header (reference §1.6). */
public final class DpsErrors {
    private DpsErrors() {}

    public static void send(Exchange ex, ProvisioningException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", e.errorCode());
        body.put("trackingId", Ids.trackingId());
        body.put("message", e.getMessage());
        body.put("timestampUtc", Timestamps.format(Instant.now()));
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
