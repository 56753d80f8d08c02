package dev.muster.core.registration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One register call as every transport delivers it.
 *
 * @param registrationId from the path/topic (the body's copy must agree when present)
 * @param body the DeviceRegistration JSON (payload, tpm), may be null
 */
public record RegistrationRequest(String idScope, String registrationId, JsonNode body, DeviceCredentials credentials) {

    public JsonNode payload() {
        if (body == null || !body.has("payload") || body.get("payload").isNull()) {
            return null;
        }
        return body.get("payload");
    }
}
