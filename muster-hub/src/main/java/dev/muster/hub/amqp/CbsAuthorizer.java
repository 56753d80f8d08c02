package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.sas.SasToken;
import dev.muster.hub.DeviceAuthentication;
import dev.muster.hub.ServiceAuthentication;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the token of a CBS {@code put-token} (reference §2.2) against a hub: a service token ({@code sr} = the hub's
 * host) against the hub's shared access policy, a device token ({@code sr} = {@code {hub}/devices/{id}}) against the
 * device's keys. The audience the client names ({@code name}) is not required to equal {@code sr}: Java devices name
 * {@code {host}/devices/{id}} for modules too.
 */
public final class CbsAuthorizer {
    /** The token types Azure accepts for SAS; the SDKs send the first. */
    static final String SAS_TYPE = "servicebus.windows.net:sastoken";
    static final String SAS_TYPE_IOT = "azure-devices.net:sastoken";

    private final ServiceAuthentication services;
    private final DeviceAuthentication devices;

    public CbsAuthorizer(ServiceAuthentication services, DeviceAuthentication devices) {
        this.services = services;
        this.devices = devices;
    }

    /** The answer to one put-token: 200 with a grant, or 401/400 with the reason. */
    public record Outcome(int status, String description, CbsGrant grant) {
        static Outcome refused(int status, String description) {
            return new Outcome(status, description, null);
        }
    }

    public Outcome putToken(String hub, String type, String token) {
        if (type == null || !(type.equalsIgnoreCase(SAS_TYPE) || type.equalsIgnoreCase(SAS_TYPE_IOT))) {
            return Outcome.refused(401, "Token type '" + type + "' is not supported; use " + SAS_TYPE + ".");
        }
        Optional<SasToken> parsed = SasToken.parse(token);
        if (parsed.isEmpty()) {
            return Outcome.refused(401, "The token is not a SharedAccessSignature.");
        }
        SasToken sas = parsed.get();
        String resource = ServiceAuthentication.withoutScheme(sas.resource());
        Instant expires = Instant.ofEpochSecond(sas.expiry());
        if (resource.equalsIgnoreCase(hub)) {
            Optional<String> refusal = services.authenticateService(hub, sas);
            return refusal.map(r -> Outcome.refused(401, "Unauthorized: " + r + "."))
                    .orElseGet(() -> new Outcome(200, "OK", new CbsGrant(resource, expires, null)));
        }
        DeviceQueue device = deviceOf(hub, resource);
        if (device == null && resource.toLowerCase(Locale.ROOT).startsWith(hub.toLowerCase(Locale.ROOT) + "/")) {
            // An Event Hubs client signs each link's own audience ({hub}/{eventHub}/ConsumerGroups/...).
            Optional<String> refusal = services.authenticateServiceScope(hub, sas);
            return refusal.map(r -> Outcome.refused(401, "Unauthorized: " + r + "."))
                    .orElseGet(() -> new Outcome(200, "OK", new CbsGrant(resource, expires, null)));
        }
        if (device == null) {
            return Outcome.refused(401, "The token's resource '" + resource + "' is neither the hub " + hub
                    + " nor one of its devices.");
        }
        Optional<String> refusal = device.moduleId() != null
                ? devices.authenticateModule(hub, device.deviceId(), device.moduleId(), token)
                : devices.authenticateDevice(hub, device.deviceId(), token);
        return refusal.map(r -> Outcome.refused(401, "Unauthorized: " + r + "."))
                .orElseGet(() -> new Outcome(200, "OK", new CbsGrant(resource, expires, device)));
    }

    /** {@code {hub}/devices/{id}} or {@code {hub}/devices/{id}/modules/{m}} as a queue owner; null otherwise. */
    static DeviceQueue deviceOf(String hub, String resource) {
        String prefix = hub.toLowerCase(Locale.ROOT) + "/devices/";
        if (!resource.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            return null;
        }
        String[] rest = resource.substring(prefix.length()).split("/", -1);
        if (rest.length == 1 && !rest[0].isEmpty()) {
            return new DeviceQueue(hub, rest[0], null);
        }
        if (rest.length == 3 && rest[1].equals("modules") && !rest[0].isEmpty() && !rest[2].isEmpty()) {
            return new DeviceQueue(hub, rest[0], rest[2]);
        }
        return null;
    }
}
