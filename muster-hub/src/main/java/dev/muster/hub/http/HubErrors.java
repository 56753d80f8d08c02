package dev.muster.hub.http;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.transport.Exchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IoT Hub's REST error body: {@code {"errorCode":404001,"Message":"ErrorCode:X;text","ExceptionMessage":"Tracking ID:…"}}.
 * The Java service client reads the numeric {@code errorCode} (else it falls back to the HTTP status); others read the
 * {@code ErrorCode:} prefix or the {@code iothub-errorcode} header.
 */
final class HubErrors {
    private HubErrors() {}

    static void send(Exchange ex, HubError e) {
        String name = e.code().errorName();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", e.code().code());
        body.put("Message", "ErrorCode:" + name + ";" + e.getMessage());
        body.put("ExceptionMessage", "Tracking ID:" + Ids.trackingId() + "-TimeStamp:"
                + Timestamps.format(Instant.now()));
        ex.json(e.httpStatus(), body, Map.of("iothub-errorcode", name));
    }

    /**
     * A refusal from shared core code the hub uses (JSON parsing, identifier rules): those are all malformed
     * requests; anything else the core could throw here would be a bug, so it is answered as a server error.
     */
    static HubError fromCore(ProvisioningException e) {
        return new HubError(e.httpStatus() == 400 ? HubErrorCode.ARGUMENT_INVALID : HubErrorCode.SERVER_ERROR,
                e.getMessage());
    }
}
