package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import dev.muster.hub.BuiltInHubClient;
import dev.muster.server.hub.RestHubClient;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One contract for every way the provisioning service reaches a hub: in memory and over the REST API. */
class HubClientContractIT {

    abstract static class Contract {
        abstract HubClient client();

        private final String deviceId = "contract-" + UUID.randomUUID().toString().substring(0, 8);

        @Test
        void putCreatesThenReplacesTheIdentity() {
            HubClient hub = client();
            assertThat(hub.device(deviceId)).isEmpty();
            String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
            HubDevice created = hub.putDevice(HubDevice.of(deviceId, AuthenticationMechanism.sas(k1, k1),
                    DeviceCapabilities.NONE));
            assertThat(created.etag()).isNotBlank();
            assertThat(created.status()).isEqualTo("enabled");
            assertThat(created.authentication().symmetricKey().primaryKey()).isEqualTo(k1);
            HubDevice replaced = hub.putDevice(HubDevice.of(deviceId, AuthenticationMechanism.sas(null, null),
                    new DeviceCapabilities(true)));
            assertThat(replaced.generationId()).isEqualTo(created.generationId());
            assertThat(replaced.capabilities().iotEdge()).isTrue();
            assertThat(replaced.authentication().symmetricKey().primaryKey()).as("generated").isNotEqualTo(k1);
            assertThat(hub.device(deviceId)).get().extracting(HubDevice::etag).isEqualTo(replaced.etag());
        }

        @Test
        void twinPatchMergesTagsAndDesiredAndBumpsTheDesiredVersion() {
            HubClient hub = client();
            hub.putDevice(HubDevice.of(deviceId, null, null));
            ObjectNode before = hub.twin(deviceId).orElseThrow();
            long v0 = before.path("properties").path("desired").path("$version").asLong();
            ObjectNode tags = Json.object().put("room", "12");
            ObjectNode desired = Json.object().put("fan", "on");
            hub.patchTwin(deviceId, new TwinState(tags, new TwinState.Properties(desired)));
            hub.patchTwin(deviceId, new TwinState(Json.object().put("floor", 2), null));
            ObjectNode twin = hub.twin(deviceId).orElseThrow();
            assertThat(twin.path("tags").path("room").asText()).isEqualTo("12");
            assertThat(twin.path("tags").path("floor").asInt()).isEqualTo(2);
            assertThat(twin.path("properties").path("desired").path("fan").asText()).isEqualTo("on");
            assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(v0 + 1);
        }

        @Test
        void deleteRemovesDeviceAndTwinAndMissingIsFine() {
            HubClient hub = client();
            hub.putDevice(HubDevice.of(deviceId, null, null));
            hub.deleteDevice(deviceId);
            assertThat(hub.device(deviceId)).isEmpty();
            assertThat(hub.twin(deviceId)).isEmpty();
            hub.deleteDevice(deviceId);
        }

        @Test
        void invalidRequestsFailAsHubExceptions() {
            HubClient hub = client();
            assertThatThrownBy(() -> hub.putDevice(HubDevice.of("bad device id!#", null, null)))
                    .isInstanceOf(HubException.class);
            assertThatThrownBy(() -> hub.patchTwin("no-such-" + deviceId,
                    new TwinState(Json.object().put("a", 1), null))).isInstanceOf(HubException.class);
        }
    }

    @Nested
    class BuiltIn extends Contract {
        @Override
        HubClient client() {
            return new BuiltInHubClient(MusterUnderTest.server().builtInHub(), MusterUnderTest.hub());
        }
    }

    @Nested
    class OverRest extends Contract {
        @Override
        HubClient client() {
            return new RestHubClient(MusterUnderTest.info().hubs().get(0).connectionString(), 443, MusterUnderTest.trust());
        }

        @Test
        void wrongCredentialsAreRefused() {
            String cs = "HostName=" + MusterUnderTest.hub() + ";SharedAccessKeyName=iothubowner;SharedAccessKey="
                    + java.util.Base64.getEncoder().encodeToString(new byte[32]);
            HubClient bad = new RestHubClient(cs, 443, MusterUnderTest.trust());
            assertThatThrownBy(() -> bad.device("x")).isInstanceOfSatisfying(HubException.class,
                    e -> assertThat(e.unauthorized()).isTrue());
        }
    }
}
