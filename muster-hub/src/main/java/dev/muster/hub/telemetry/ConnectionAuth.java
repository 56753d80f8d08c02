package dev.muster.hub.telemetry;

import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.HubDevice;

/**
 * How a device proved itself on the connection a message came over, as IoT Hub names it in the {@code type} of
 * {@code iothub-connection-auth-method}. {@code sas} is confirmed from messages read off IoT Hub; IoT Hub's docs list
 * the types as {@code symkey | sas | x509}, and the two X.509 spellings here are unconfirmed.
 */
public enum ConnectionAuth {
    SAS("sas"),
    /** A self-signed device: its certificate's thumbprint is registered (spelling unconfirmed). */
    X509_SELF_SIGNED("x509Certificate"),
    /** A device whose certificate chains to a CA the hub trusts (spelling unconfirmed). */
    X509_CA("x509CA");

    private final String type;

    ConnectionAuth(String type) {
        this.type = type;
    }

    /**
     * A connection admitted by its TLS client certificate: a module always has a self-signed one (the only kind
     * offered to modules), a device the kind its registry entry names.
     */
    public static ConnectionAuth ofCertificate(HubDevice device, boolean module) {
        return module || device.authentication() == null
                || AuthenticationMechanism.SELF_SIGNED.equalsIgnoreCase(device.authentication().type())
                ? X509_SELF_SIGNED : X509_CA;
    }

    public String type() {
        return type;
    }
}
