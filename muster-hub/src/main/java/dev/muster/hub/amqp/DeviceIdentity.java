package dev.muster.hub.amqp;

import dev.muster.hub.ConnectionKey;

/**
 * Who an admitted device session is, as the hub stamps it on the device's telemetry (the {@code iothub-connection-*}
 * properties IoT Hub adds to every device-to-cloud message).
 *
 * @param authType how the device proved itself: {@code sas}, {@code x509Certificate} (self-signed thumbprint) or
 *     {@code x509CA}; IoT Hub's spellings for the last two are unconfirmed
 * @param generationId the device's registry generation ID
 */
record DeviceIdentity(ConnectionKey key, String authType, String generationId) {
    static final String SAS = "sas";
    static final String X509_SELF_SIGNED = "x509Certificate";
    static final String X509_CA = "x509CA";

    /** IoT Hub's {@code iothub-connection-auth-method} JSON. */
    String authMethod() {
        return "{\"scope\":\"" + (key.isModule() ? "module" : "device") + "\",\"type\":\"" + authType
                + "\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
    }
}
