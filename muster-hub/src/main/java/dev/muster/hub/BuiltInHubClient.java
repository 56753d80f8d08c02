package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import java.util.Optional;
import java.util.function.Supplier;

/** Direct calls into a built-in hub of this process: the same semantics as the REST API, without the network. */
public final class BuiltInHubClient implements HubClient {
    private final BuiltInHub builtIn;
    private final String hostName;

    public BuiltInHubClient(BuiltInHub builtIn, String hostName) {
        this.builtIn = builtIn;
        this.hostName = hostName;
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public Optional<HubDevice> device(String deviceId) {
        return builtIn.devices().storedDevice(hostName, deviceId);
    }

    @Override
    public HubDevice putDevice(HubDevice device) {
        return refusalsAsHubException(() -> builtIn.devices().putDevice(hostName, device, "*"));
    }

    @Override
    public void deleteDevice(String deviceId) {
        builtIn.devices().deleteDevice(hostName, deviceId, null);
    }

    @Override
    public Optional<ObjectNode> twin(String deviceId) {
        return builtIn.twins().twinJson(hostName, deviceId);
    }

    @Override
    public long deviceCount() {
        return builtIn.devices().deviceCount(hostName);
    }

    /** One insert of device and its migrated twin, reported properties included (see DeviceRegistry#createDevice). */
    @Override
    public boolean createMigrated(HubDevice device, ObjectNode twin) {
        return refusalsAsHubException(() -> builtIn.devices().createDevice(hostName, device, twin).isPresent());
    }

    /** One insert of device and twin: the registration path of a first boot (see DeviceRegistry#createDevice). */
    @Override
    public boolean createWithTwin(HubDevice device, TwinState initialTwin) {
        return refusalsAsHubException(() -> builtIn.devices().createDevice(hostName, device,
                    initialTwin == null ? null : Json.MAPPER.valueToTree(initialTwin)).isPresent());
    }

    @Override
    public void patchTwin(String deviceId, TwinState patch) {
        refusalsAsHubException(() -> builtIn.twins().patchTwin(hostName, deviceId, Json.MAPPER.valueToTree(patch),
                null));
    }

    /** The hub's refusals reach DPS as every HubClient reports them, whichever adapter it holds. */
    private <T> T refusalsAsHubException(Supplier<T> call) {
        try {
            return call.get();
        } catch (HubError e) {
            throw new HubException(hostName, e.httpStatus(), e.getMessage());
        }
    }
}
