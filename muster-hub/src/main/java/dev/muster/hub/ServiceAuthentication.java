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
        Optional<BuiltInHubConfig> config = devices.hub(hub);
        if (config.isEmpty()) {
            return Optional.of("no hub is served at host '" + hub + "'");
        }
        if (token.keyName() == null || !token.keyName().equalsIgnoreCase(config.get().ownerKeyName())) {
            return Optional.of("unknown shared access policy '" + token.keyName() + "'");
        }
        SasVerifier.Result r = sas.verify(token, hub, List.of(config.get().primaryKey(), config.get().secondaryKey()));
        return r == SasVerifier.Result.VALID ? Optional.empty()
                : Optional.of("SAS token " + r.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
}
