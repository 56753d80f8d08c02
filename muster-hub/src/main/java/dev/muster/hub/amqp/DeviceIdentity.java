package dev.muster.hub.amqp;

import dev.muster.hub.ConnectionKey;
import dev.muster.hub.telemetry.ConnectionAuth;
import dev.muster.hub.telemetry.TelemetrySender;

/**
 * Who an admitted device session is, as the hub stamps it on the device's telemetry (the {@code iothub-connection-*}
 * properties IoT Hub adds to every device-to-cloud message).
 *
 * @param auth how the device proved itself: SAS token or TLS client certificate
 * @param generationId the device's registry generation ID
 */
record DeviceIdentity(ConnectionKey key, ConnectionAuth auth, String generationId) {

    TelemetrySender sender() {
        return new TelemetrySender(key, auth, generationId);
    }
}
