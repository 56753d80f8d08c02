package dev.muster.hub;

import dev.muster.core.hub.HubStore;
import dev.muster.core.x509.ChainVerifier;
import dev.muster.hub.query.QueryRows;
import java.time.Clock;

/**
 * The built-in hubs of a node, by concern: what the hub REST API, the hub MQTT endpoint and direct
 * {@link BuiltInHubClient}s all call, so each behaves identically whichever way it is reached.
 */
public record BuiltInHub(DeviceRegistry devices, TwinService twins, DeviceAuthentication authentication,
                         CaTrust caTrust, TelemetryBus telemetry, ModuleRegistry modules,
                         RegistryQueries queries) {

    /**
     * @param chains X.509 chain validation with its CA cache, shared with the provisioning service
     * @param view how devices are shown (with their connection state, on a server)
     */
    public static BuiltInHub create(HubStore store, Clock clock, ChainVerifier chains, DeviceView view) {
        CaTrust caTrust = new CaTrust(store, clock, chains);
        return new BuiltInHub(new DeviceRegistry(store, clock, view), new TwinService(store, view),
                new DeviceAuthentication(store, clock, chains, caTrust), caTrust, new TelemetryBus(),
                new ModuleRegistry(store, view),
                // module twins are not in the queries yet: FROM devices.modules reads none
                new RegistryQueries(store, view, hub -> QueryRows.NONE));
    }

    public static BuiltInHub create(HubStore store, Clock clock, ChainVerifier chains) {
        return create(store, clock, chains, DeviceView.AS_STORED);
    }

    public static BuiltInHub create(HubStore store, Clock clock) {
        return create(store, clock, new ChainVerifier(clock));
    }
}
