package dev.muster.core.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.TwinState;
import java.util.Optional;

/** Direct calls into a built-in hub of this process: the same semantics as the REST API, without the network. */
public final class BuiltInHubClient implements HubClient {
    private final HubRegistry registry;
    private final String hostName;

    public BuiltInHubClient(HubRegistry registry, String hostName) {
        this.registry = registry;
        this.hostName = hostName;
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public Optional<HubDevice> device(String deviceId) {
        return registry.device(hostName, deviceId);
    }

    @Override
    public HubDevice putDevice(HubDevice device) {
        try {
            return registry.putDevice(hostName, device, "*");
        } catch (ProvisioningException e) {
            throw new HubException(hostName, e.httpStatus(), e.getMessage());
        }
    }

    @Override
    public void deleteDevice(String deviceId) {
        registry.deleteDevice(hostName, deviceId, null);
    }

    @Override
    public Optional<ObjectNode> twin(String deviceId) {
        return registry.twinJson(hostName, deviceId);
    }

    @Override
    public long deviceCount() {
        return registry.deviceCount(hostName);
    }

    @Override
    public void trustCertificateAuthority(String certificatePem) {
        try {
            registry.trustCertificateAuthority(hostName, certificatePem);
        } catch (ProvisioningException e) {
            throw new HubException(hostName, e.httpStatus(), e.getMessage());
        }
    }

    /** One insert of device and twin: the registration path of a first boot (see HubRegistry#createDevice). */
    @Override
    public boolean createWithTwin(HubDevice device, TwinState initialTwin) {
        try {
            return registry.createDevice(hostName, device,
                    initialTwin == null ? null : Json.MAPPER.valueToTree(initialTwin)).isPresent();
        } catch (ProvisioningException e) {
            throw new HubException(hostName, e.httpStatus(), e.getMessage());
        }
    }

    @Override
    public void patchTwin(String deviceId, TwinState patch) {
        try {
            registry.patchTwin(hostName, deviceId, Json.MAPPER.valueToTree(patch), null);
        } catch (ProvisioningException e) {
            throw new HubException(hostName, e.httpStatus(), e.getMessage());
        }
    }
}
