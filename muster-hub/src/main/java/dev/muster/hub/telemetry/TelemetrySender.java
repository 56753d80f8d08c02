package dev.muster.hub.telemetry;

import dev.muster.hub.ConnectionKey;

/**
 * Who sent a device-to-cloud message, as the connection (not the message) says: what the hub stamps in the
 * {@code iothub-connection-*} properties so that no device can pass itself off as another.
 *
 * @param generationId the device's registry generation ID; a module's messages carry its device's too (whether IoT
 *     Hub stamps the module's own generation ID there is unconfirmed)
 */
public record TelemetrySender(ConnectionKey key, ConnectionAuth auth, String generationId) {

    /**
     * IoT Hub's {@code iothub-connection-auth-method}: compact JSON in this key order, as read off IoT Hub, e.g.
     * {@code {"scope":"device","type":"sas","issuer":"iothub","acceptingIpFilterRule":null}}.
     */
    public String authMethod() {
        return "{\"scope\":\"" + (key.isModule() ? "module" : "device") + "\",\"type\":\"" + auth.type()
                + "\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";
    }
}
