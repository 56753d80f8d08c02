package dev.muster.server.hub;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.server.http.Exchange;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** IoT Hub's REST error body: {@code {"Message":"ErrorCode:X;text","ExceptionMessage":"Tracking ID:…"}}. */
final class HubErrors {
    private HubErrors() {}

    static void send(Exchange ex, ProvisioningException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Message", "ErrorCode:" + name(e.httpStatus()) + ";" + e.getMessage());
        body.put("ExceptionMessage", "Tracking ID:" + Ids.trackingId() + "-TimeStamp:"
                + Timestamps.format(Instant.now()));
        ex.json(e.httpStatus(), body, Map.of("iothub-errorcode", name(e.httpStatus())));
    }

    private static String name(int status) {
        return switch (status) {
            case 400 -> "ArgumentInvalid";
            case 401 -> "IotHubUnauthorizedAccess";
            case 404 -> "DeviceNotFound";
            case 405 -> "MethodNotAllowed";
            case 409 -> "DeviceAlreadyExists";
            case 412 -> "PreconditionFailed";
            case 413 -> "MessageTooLarge";
            default -> "ServerError";
        };
    }
}
