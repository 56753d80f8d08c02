package dev.muster.hub;

import dev.muster.core.Ids;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.testing.InMemoryStore;

/** The hub, device and module the module tests start from. */
final class ModuleFixtures {
    static final String HUB = "hub-one.muster.test";

    private ModuleFixtures() {}

    /** A module as a caller asks for it: IDs and authentication only, everything else the hub's to fill. */
    static HubModule requested(String deviceId, String moduleId, AuthenticationMechanism auth) {
        return new HubModule(deviceId, moduleId, null, null, null, null, null, null, auth, null);
    }

    /** {@link #HUB} with device {@code dev1}. */
    static void hubWithDevice(InMemoryStore store, BuiltInHub builtIn) {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        builtIn.devices().putDevice(HUB, HubDevice.of("dev1", null, null), null);
    }

    /** {@link #hubWithDevice} plus SAS module {@code sensor} on {@code dev1}, returned. */
    static HubModule hubWithSensorModule(InMemoryStore store, BuiltInHub builtIn) {
        hubWithDevice(store, builtIn);
        return builtIn.modules().putModule(HUB, requested("dev1", "sensor", null), null).module();
    }
}
