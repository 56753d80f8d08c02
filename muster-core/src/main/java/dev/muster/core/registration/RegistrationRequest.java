package dev.muster.core.registration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One register call as every transport delivers it.
 *
 * @param registrationId from the path/topic (the body's copy must agree when present)
 * @param body the DeviceRegistration JSON (payload, tpm, csr), may be null
 * @param apiVersion the api-version the device sent (HTTPS query, MQTT user name, AMQP link property), may be null
 */
public record RegistrationRequest(String idScope, String registrationId, JsonNode body, DeviceCredentials credentials,
                                  String apiVersion) {

    /** A request whose transport carries no api-version (it may then not send a {@code csr}). */
    public RegistrationRequest(String idScope, String registrationId, JsonNode body, DeviceCredentials credentials) {
        this(idScope, registrationId, body, credentials, null);
    }

    /** The base64 DER PKCS#10 request of {@code csr} (2025-07-01-preview), or null when the device sent none. */
    public String csr() {
        JsonNode csr = body == null ? null : body.get("csr");
        return csr == null || csr.isNull() ? null : csr.asText();
    }

    public JsonNode payload() {
        if (body == null || !body.has("payload") || body.get("payload").isNull()) {
            return null;
        }
        return body.get("payload");
    }
}
