package dev.muster.hub.methods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.muster.core.Json;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * A direct method invocation as the service API receives it ({@code POST /twins/{id}/methods}): the method's name, its
 * JSON payload and the two time-outs, checked against IoT Hub's rules.
 *
 * @param payload the JSON the device receives; JSON null when the caller sent none
 */
public record MethodCall(String methodName, JsonNode payload, int responseTimeoutSeconds, int connectTimeoutSeconds) {
    public static final int DEFAULT_RESPONSE_TIMEOUT = 30;
    public static final int MIN_RESPONSE_TIMEOUT = 5;
    public static final int MAX_TIMEOUT = 300;
    /** Request and response payloads: at most 128 KB of JSON. */
    public static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** Characters IoT Hub refuses in method names (besides anything outside printable US-ASCII). */
    private static final String SEPARATORS = "$()<>@,;:\\\"/[]?={} \t";

    public MethodCall {
        requireValidName(methodName);
        payload = payload == null ? NullNode.getInstance() : payload;
    }

    /** Parses and checks the service's request body. */
    public static MethodCall parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw HubError.argumentInvalid("The method request body must be a JSON object.");
        }
        JsonNode name = body.get("methodName");
        if (name == null || !name.isTextual()) {
            throw HubError.argumentInvalid("methodName is required and must be a string.");
        }
        int response = timeout(body, "responseTimeoutInSeconds", DEFAULT_RESPONSE_TIMEOUT, MIN_RESPONSE_TIMEOUT);
        int connect = timeout(body, "connectTimeoutInSeconds", 0, 0);
        MethodCall call = new MethodCall(name.asText(), body.get("payload"), response, connect);
        if (call.payloadBytes().length > MAX_PAYLOAD_BYTES) {
            throw new HubError(HubErrorCode.MESSAGE_TOO_LARGE, "The method payload is larger than 128 KB.");
        }
        return call;
    }

    /** The payload as the device receives it: its JSON text. */
    public byte[] payloadBytes() {
        return Json.write(payload).getBytes(StandardCharsets.UTF_8);
    }

    private static int timeout(JsonNode body, String field, int byDefault, int min) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return byDefault;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw HubError.argumentInvalid(field + " must be a whole number of seconds.");
        }
        int seconds = v.asInt();
        if (seconds < min || seconds > MAX_TIMEOUT) {
            throw HubError.argumentInvalid(field + " must be between " + min + " and " + MAX_TIMEOUT + " seconds.");
        }
        return seconds;
    }

    private static void requireValidName(String name) {
        if (name == null || name.isEmpty()) {
            throw HubError.argumentInvalid("methodName must not be empty.");
        }
        if (name.length() > 128) {
            throw HubError.argumentInvalid("methodName must be at most 128 characters.");
        }
        for (char c : name.toCharArray()) {
            if (c < 0x21 || c > 0x7e || SEPARATORS.indexOf(c) >= 0) {
                throw HubError.argumentInvalid("methodName '" + name + "' contains '" + c
                        + "': only printable US-ASCII other than $()<>@,;:\\\"/[]?={} may be used.");
            }
        }
    }
}
