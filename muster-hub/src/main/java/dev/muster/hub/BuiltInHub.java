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
                         CaTrust caTrust, TelemetryBus telemetry, RegistryQueries queries) {

    /** @param chains X.509 chain validation with its CA cache, shared with the provisioning service */
    public static BuiltInHub create(HubStore store, Clock clock, ChainVerifier chains) {
        CaTrust caTrust = new CaTrust(store, clock, chains);
        return new BuiltInHub(new DeviceRegistry(store, clock), new TwinService(store),
                new DeviceAuthentication(store, clock, chains, caTrust), caTrust, new TelemetryBus(),
                // module twins join the queries once the hub stores modules
                new RegistryQueries(store, hub -> QueryRows.NONE));
    }

    public static BuiltInHub create(HubStore store, Clock clock) {
        return create(store, clock, new ChainVerifier(clock));
    }
}
