package dev.muster.server.amqp;

import dev.muster.core.registration.DeviceCredentials;

/**
 * Who an AMQP connection says it is after SASL (reference §3). PLAIN names the device in its authcid
 * ({@code {idScope}/registrations/{registrationId}}) and carries the SAS token; ANONYMOUS, EXTERNAL and "no SASL at all"
 * name nobody, so the device is taken from the first link address and the credentials are whatever TLS presented.
 *
 * @param mechanism the SASL mechanism used, or {@code "none"} when the client skipped SASL
 * @param idScope null when the mechanism does not name a device
 * @param registrationId null when the mechanism does not name a device
 * @param credentials what the registration engine checks on every request
 */
public record AmqpDeviceIdentity(String mechanism, String idScope, String registrationId, DeviceCredentials credentials) {
    public static final String NO_SASL = "none";

    public boolean namesDevice() {
        return idScope != null && registrationId != null;
    }

    /** The same identity bound to the device a link address names (for mechanisms that name nobody). */
    public AmqpDeviceIdentity boundTo(DpsLinkAddress address) {
        return new AmqpDeviceIdentity(mechanism, address.idScope(), address.registrationId(), credentials);
    }

    /** True when {@code address} names this identity's device (ID scope and registration ID compare case-insensitively). */
    public boolean matches(DpsLinkAddress address) {
        return namesDevice() && idScope.equalsIgnoreCase(address.idScope())
                && registrationId.equalsIgnoreCase(address.registrationId());
    }
}
