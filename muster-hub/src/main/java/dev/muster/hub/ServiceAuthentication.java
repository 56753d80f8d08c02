package dev.muster.hub;

import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Whether a back-end service may act on a built-in hub: a SAS token for the hub's host ({@code sr={hub}}) signed with
 * one of its shared access policy's keys. Returns the reason for a refusal, empty when accepted.
 */
public final class ServiceAuthentication {
    private final DeviceRegistry devices;
    private final SasVerifier sas;

    public ServiceAuthentication(DeviceRegistry devices, Clock clock) {
        this.devices = devices;
        this.sas = new SasVerifier(clock);
    }

    public Optional<String> authenticateService(String hub, SasToken token) {
        return authenticate(hub, token, hub, false);
    }

    /**
     * A token scoped to the hub or to a path under it ({@code sr={hub}/{eventHub}/ConsumerGroups/...}, as the Event
     * Hubs SDKs sign their CBS audiences), signed with the hub's policy. The only policy, iothubowner, holds
     * ServiceConnect, the right IoT Hub's built-in endpoint asks for.
     */
    public Optional<String> authenticateServiceScope(String hub, SasToken token) {
        String scope = withoutScheme(token.resource());
        String h = hub.toLowerCase(java.util.Locale.ROOT);
        String s = scope.toLowerCase(java.util.Locale.ROOT);
        if (!s.equals(h) && !s.startsWith(h + "/")) {
            return Optional.of("the token's resource '" + token.resource() + "' is not within the hub " + hub);
        }
        return authenticate(hub, token, scope, true);
    }

    /** A token resource without the scheme some clients prepend ({@code sb://}, {@code amqp://}) or trailing slashes. */
    public static String withoutScheme(String resource) {
        int scheme = resource.indexOf("://");
        String r = scheme >= 0 ? resource.substring(scheme + 3) : resource;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }

    /**
     * @param keyAsText also accept a signature made with the key's text as the HMAC key, as the Event Hubs SDKs sign
     *     (Service Bus style: the UTF-8 bytes of the base64 string), besides IoT Hub's decoded key
     */
    private Optional<String> authenticate(String hub, SasToken token, String scope, boolean keyAsText) {
        Optional<BuiltInHubConfig> config = devices.hub(hub);
        if (config.isEmpty()) {
            return Optional.of("no hub is served at host '" + hub + "'");
        }
        if (token.keyName() == null || !token.keyName().equalsIgnoreCase(config.get().ownerKeyName())) {
            return Optional.of("unknown shared access policy '" + token.keyName() + "'");
        }
        List<String> keys = new java.util.ArrayList<>(List.of(config.get().primaryKey(), config.get().secondaryKey()));
        if (keyAsText) {
            // The verifier base64-decodes each key: encoding the key's text gives back exactly its bytes.
            for (String k : List.copyOf(keys)) {
                if (k != null && !k.isBlank()) {
                    keys.add(java.util.Base64.getEncoder().encodeToString(
                            k.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }
        SasVerifier.Result r = sas.verify(token, scope, keys);
        return r == SasVerifier.Result.VALID ? Optional.empty()
                : Optional.of("SAS token " + r.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
}
