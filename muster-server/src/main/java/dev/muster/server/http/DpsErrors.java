package dev.muster.server.http;

import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.TpmChallenge;
import dev.muster.server.device.DpsReply;
import dev.muster.transport.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Azure's ProvisioningServiceErrorDetails body and x-ms-error-code header over HTTPS (reference §1.6); the body is the
 * one MQTT and AMQP send too ({@link DpsReply#errorBody}), plus the TPM challenge, which only HTTPS carries this way.
 */
public final class DpsErrors {
    private DpsErrors() {}

    public static void send(Exchange ex, ProvisioningException e) {
        Map<String, Object> body = DpsReply.errorBody(e);
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
