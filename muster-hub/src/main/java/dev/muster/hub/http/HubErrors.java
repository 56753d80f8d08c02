package dev.muster.hub.http;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.transport.Exchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * IoT Hub's REST error body, in the shape today's hubs answer with: {@code {"Message":"{…}","ExceptionMessage":""}}
 * where Message is itself JSON, {@code {"errorCode":404001,"trackingId":…,"message":"ErrorCode:DeviceNotFound;…",
 * "info":{…},"timestampUtc":…}}. The Java service client digs out the innermost message and reads its numeric
 * {@code errorCode} (a flat {@code errorCode} beside Message is not read); the message keeps the older
 * {@code ErrorCode:Name;} prefix for clients that look for the name there, and the header {@code iothub-errorcode}
 * carries it too.
 */
public final class HubErrors {
    private HubErrors() {}

    /** A request body over the hub's limit, refused before anything parses it. */
    public static void sendTooLarge(Exchange ex, int limitBytes) {
        send(ex, new HubError(HubErrorCode.MESSAGE_TOO_LARGE, "The request body is larger than "
                + limitBytes / 1024 + " KB."));
    }

    public static void send(Exchange ex, HubError e) {
        String name = e.code().errorName();
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("errorCode", e.code().code());
        inner.put("trackingId", Ids.trackingId());
        inner.put("message", e.info().isEmpty() ? "ErrorCode:" + name + ";" + e.getMessage() : e.getMessage());
        inner.put("info", e.info());
        inner.put("timestampUtc", Timestamps.format(Instant.now()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Message", Json.write(inner));
        body.put("ExceptionMessage", "");
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
