package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import java.util.Optional;

/**
 * Which twin: a device's own ({@code moduleId} null) or one of its modules'. Device and module twins behave the same
 * (IoT Hub twins); this is the one place where they differ: where the twin is stored, which identity it shows, which
 * error names a missing one and how its desired changes are announced.
 */
public record TwinKey(String deviceId, String moduleId) {

    public static TwinKey device(String deviceId) {
        return new TwinKey(deviceId, null);
    }

    public static TwinKey module(String deviceId, String moduleId) {
        return new TwinKey(deviceId, moduleId);
    }

    public boolean isModule() {
        return moduleId != null;
    }

    Optional<DeviceTwin> twin(HubStore store, String hub) {
        return isModule() ? store.moduleTwin(hub, deviceId, moduleId) : store.twin(hub, deviceId);
    }

    /** @return false unless the stored twin still had {@code expectedVersion} */
    boolean replace(HubStore store, String hub, DeviceTwin next, long expectedVersion) {
        return isModule() ? store.replaceModuleTwin(hub, moduleId, next, expectedVersion)
                : store.replaceTwin(hub, next, expectedVersion);
    }

    /**
     * The identity fields a service-side twin shows besides its own etag, version, tags and properties (IoT Hub's
     * twin JSON), or empty when the device or module is not registered.
     */
    Optional<ObjectNode> identity(HubStore store, String hub, DeviceView view) {
        return isModule()
                ? store.module(hub, deviceId, moduleId).map(m -> moduleIdentity(view.presentModule(hub, m)))
                : store.device(hub, deviceId).map(d -> deviceIdentity(view.present(hub, d)));
    }

    HubError notFound() {
        return isModule() ? HubError.moduleNotFound(deviceId, moduleId) : HubError.deviceNotFound(deviceId);
    }

    void announceDesired(TwinListener listener, String hub, ObjectNode patch) {
        if (isModule()) {
            listener.moduleDesiredChanged(hub, deviceId, moduleId, patch);
        } else {
            listener.desiredChanged(hub, deviceId, patch);
        }
    }

    @Override
    public String toString() {
        return isModule() ? "Twin of module " + moduleId + " on device " + deviceId : "Twin " + deviceId;
    }

    /** A device twin's identity fields, with Azure's defaults for what the stored device lacks. */
    static ObjectNode deviceIdentity(HubDevice stored) {
        HubDevice device = stored.withAzureDefaults();
        ObjectNode fields = identity(device.etag(), device.connectionState(), device.lastActivityTime(),
                device.cloudToDeviceMessageCount(), device.authentication());
        fields.put("status", device.status());
        fields.put("statusUpdateTime", device.statusUpdatedTime());
        fields.set("capabilities", Json.MAPPER.valueToTree(
                device.capabilities() == null ? DeviceCapabilities.NONE : device.capabilities()));
        if (device.deviceScope() != null) {
            fields.put("deviceScope", device.deviceScope());
        }
        fields.set("parentScopes", Json.MAPPER.valueToTree(device.parentScopes()));
        return fields;
    }

    /** A module twin names its module and shows the module identity's etag as {@code deviceEtag}, as IoT Hub does. */
    private static ObjectNode moduleIdentity(HubModule module) {
        ObjectNode fields = identity(module.etag(), module.connectionState(), module.lastActivityTime(),
                module.cloudToDeviceMessageCount(), module.authentication());
        fields.put("moduleId", module.moduleId());
        return fields;
    }

    /** The fields devices and modules share. */
    private static ObjectNode identity(String etag, String connectionState, String lastActivityTime,
                                       Integer cloudToDeviceMessageCount, AuthenticationMechanism auth) {
        ObjectNode fields = Json.object();
        fields.put("deviceEtag", etag);
        fields.put("connectionState", connectionState);
        fields.put("lastActivityTime", lastActivityTime);
        fields.put("cloudToDeviceMessageCount", cloudToDeviceMessageCount);
        fields.put("authenticationType", auth == null ? AuthenticationMechanism.SAS : auth.type());
        return fields;
    }
}
