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
 * IoT Hub's REST error body, readable by every official client at once:
 * <pre>{"errorCode":404001,
 *  "Message":"ErrorCode:DeviceNotFound;Device d not found.;{\"Message\":\"{\\\"errorCode\\\":404001,…}\",\"ExceptionMessage\":\"\"}",
 *  "ExceptionMessage":"Tracking ID:…-TimeStamp:…"}</pre>
 * Node's client splits {@code Message} on {@code ;} and takes the name before and the text after the first one. The
 * Java service client follows {@code Message} into the JSON that starts at its first <code>{</code>, down to the
 * innermost message, and reads the numeric {@code errorCode} only there (not at the top level) — so the text carries
 * no braces, and the innermost level has an empty {@code ExceptionMessage} (Java appends it before parsing).
 * A direct method's failure (an error with {@code info}) is sent exactly as IoT Hub sends those:
 * {@code {"Message":"{\"errorCode\":504101,…,\"info\":{\"timeout\":\"00:00:30\"},…}","ExceptionMessage":""}}.
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
        if (!e.info().isEmpty()) {
            Map<String, Object> inner = new LinkedHashMap<>();
            inner.put("errorCode", e.code().code());
            inner.put("trackingId", Ids.trackingId());
            inner.put("message", e.getMessage());
            inner.put("info", e.info());
            inner.put("timestampUtc", Timestamps.format(Instant.now()));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("Message", Json.write(inner));
            body.put("ExceptionMessage", "");
            ex.json(e.httpStatus(), body, Map.of("iothub-errorcode", name));
            return;
        }
        String text = e.getMessage().replace('{', '(').replace('}', ')');
        String trackingId = Ids.trackingId();
        String now = Timestamps.format(Instant.now());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("errorCode", e.code().code());
        detail.put("trackingId", trackingId);
        detail.put("message", text);
        detail.put("timestampUtc", now);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("Message", Json.write(detail));
        nested.put("ExceptionMessage", "");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", e.code().code());
        body.put("Message", "ErrorCode:" + name + ";" + text.replace(';', ',') + ";" + Json.write(nested));
        body.put("ExceptionMessage", "Tracking ID:" + trackingId + "-TimeStamp:" + now);
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
