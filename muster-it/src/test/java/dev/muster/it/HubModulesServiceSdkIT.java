package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Module identities and module twins of the built-in hub through the official Java service SDK
 * ({@code iot-service-client} 2.1.6: RegistryClient and TwinClient), unchanged.
 */
class HubModulesServiceSdkIT {
    private final String connectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final RegistryClient registry = new RegistryClient(connectionString);
    private final TwinClient twins = new TwinClient(connectionString);

    private String newDevice() throws Exception {
        String deviceId = "mod-java-" + UUID.randomUUID().toString().substring(0, 8);
        registry.addDevice(new Device(deviceId));
        return deviceId;
    }

    @Test
    void theRegistryClientAddsReadsListsUpdatesAndRemovesModules() throws Exception {
        String deviceId = newDevice();

        Module added = registry.addModule(new Module(deviceId, "sensor"));
        registry.addModule(new Module(deviceId, "camera"));

        assertThat(added.getId()).isEqualTo("sensor");
        assertThat(added.getDeviceId()).isEqualTo(deviceId);
        assertThat(added.getETag()).isNotBlank();
        assertThat(added.getGenerationId()).isNotBlank();
        assertThat(added.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(added.getPrimaryKey()).isNotBlank();
        Module read = registry.getModule(deviceId, "sensor");
        assertThat(read.getETag()).isEqualTo(added.getETag());
        assertThat(read.getPrimaryKey()).isEqualTo(added.getPrimaryKey());
        assertThat(registry.getModulesOnDevice(deviceId)).extracting(Module::getId).containsExactly("camera", "sensor");

        assertThatThrownBy(() -> registry.addModule(new Module(deviceId, "sensor")))
                .isInstanceOf(IotHubConflictException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(409301));

        Module update = registry.getModule(deviceId, "sensor");
        String newKey = java.util.Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes());
        update.getSymmetricKey().setPrimaryKey(newKey);
        Module updated = registry.updateModule(update);
        assertThat(updated.getPrimaryKey()).isEqualTo(newKey);
        assertThat(updated.getGenerationId()).isEqualTo(added.getGenerationId());
        assertThat(updated.getETag()).isNotEqualTo(added.getETag());

        assertThatThrownBy(() -> registry.removeModule(added)).as("the stale etag of the first version")
                .isInstanceOf(IotHubPreconditionFailedException.class);
        registry.removeModule(updated);
        assertThatThrownBy(() -> registry.getModule(deviceId, "sensor"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404010));
        registry.removeModule(deviceId, "camera");
        assertThat(registry.getModulesOnDevice(deviceId)).isEmpty();
        assertThatThrownBy(() -> registry.getModulesOnDevice(deviceId + "-nobody"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(e -> assertThat(((IotHubException) e).getErrorCode()).isEqualTo(404001));
    }

    @Test
    void removingTheDeviceRemovesItsModulesAndTheStatisticsCountOnlyDevices() throws Exception {
        RegistryStatistics before = registry.getStatistics();
        String deviceId = newDevice();
        registry.addModule(new Module(deviceId, "a"));
        registry.addModule(new Module(deviceId, "b"));

        assertThat(registry.getStatistics().getTotalDeviceCount() - before.getTotalDeviceCount()).isEqualTo(1);
        registry.removeDevice(deviceId);
        registry.addDevice(new Device(deviceId));

        assertThat(registry.getModulesOnDevice(deviceId)).as("a re-created device starts without modules").isEmpty();
        assertThatThrownBy(() -> twins.get(deviceId, "a")).isInstanceOf(IotHubNotFoundException.class);
        registry.removeDevice(deviceId);
    }

    @Test
    void theTwinClientReadsPatchesAndReplacesAModuleTwinApartFromTheDeviceTwin() throws Exception {
        String deviceId = newDevice();
        registry.addModule(new Module(deviceId, "sensor"));

        Twin twin = twins.get(deviceId, "sensor");
        assertThat(twin.getDeviceId()).isEqualTo(deviceId);
        assertThat(twin.getModuleId()).isEqualTo("sensor");
        assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);

        twin.getTags().put("site", "lab");
        twin.getDesiredProperties().put("rate", 5);
        Twin patched = twins.patch(twin, twin.getETag());
        assertThat(patched.getModuleId()).isEqualTo("sensor");
        assertThat(patched.getTags().get("site")).isEqualTo("lab");
        assertThat(((Number) patched.getDesiredProperties().get("rate")).intValue()).isEqualTo(5);
        assertThat(patched.getDesiredProperties().getVersion()).isEqualTo(2);
        assertThatThrownBy(() -> twins.patch(twin, twin.getETag())).as("the etag before the patch")
                .isInstanceOf(IotHubPreconditionFailedException.class);

        Twin replacement = twins.get(deviceId, "sensor");
        replacement.getTags().clear();
        replacement.getTags().put("room", "2");
        replacement.getDesiredProperties().clear();
        replacement.getDesiredProperties().put("mode", "eco");
        Twin replaced = twins.replace(replacement);
        assertThat(replaced.getTags()).containsOnlyKeys("room");
        assertThat(replaced.getDesiredProperties()).containsOnlyKeys("mode");
        assertThat(replaced.getDesiredProperties().getVersion()).isEqualTo(3);

        Twin deviceTwin = twins.get(deviceId);
        assertThat(deviceTwin.getModuleId()).isNull();
        assertThat(deviceTwin.getTags()).isEmpty();
        assertThat(deviceTwin.getDesiredProperties()).isEmpty();
        deviceTwin.getTags().put("kind", "gateway");
        assertThat(twins.patch(deviceTwin).getTags()).as("device twins take the SDK's PATCH too").containsOnlyKeys("kind");
        assertThat(twins.get(deviceId, "sensor").getTags()).containsOnlyKeys("room");
        assertThatThrownBy(() -> twins.get(deviceId, "ghost")).isInstanceOf(IotHubNotFoundException.class);
        List<Module> left = registry.getModulesOnDevice(deviceId);
        assertThat(left).hasSize(1);
    }
}
