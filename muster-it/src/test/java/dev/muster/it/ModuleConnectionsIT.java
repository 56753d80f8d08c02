package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Modules connected to a built-in hub as the official module clients connect them: the Java ModuleClient over MQTT
 * and MQTT over WebSockets (client ID {@code d/m}, user name {@code hub/d/m/?…}, module SAS) and over AMQP and AMQP
 * over WebSockets (CBS with the module's token, links under {@code /devices/d/modules/m/}) reads and patches its
 * own twin, gets desired pushes, answers module methods the Java service client invokes, and shows connected in the
 * registry; the Node module client answers a module method the Node service client invokes.
 */
class ModuleConnectionsIT {
    private static final NodePackage NODE = new NodePackage("node");
    private final String hub = MusterUnderTest.hub();
    private final String hubConnectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(hubConnectionString);

    private record Module(String deviceId, String moduleId, String key) {
        String connectionString(String hub) {
            return "HostName=" + hub + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId + ";SharedAccessKey=" + key;
        }
    }

    private Module newModule(String prefix) throws Exception {
        String deviceId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        rest.createSasDevice(deviceId, Ids.symmetricKey());
        String key = Ids.symmetricKey();
        HttpResponse<String> r = rest.call("PUT", "/devices/" + deviceId + "/modules/edge-app",
                "{\"deviceId\":\"" + deviceId + "\",\"moduleId\":\"edge-app\",\"authentication\":{\"type\":\"sas\","
                        + "\"symmetricKey\":{\"primaryKey\":\"" + key + "\",\"secondaryKey\":\"" + key + "\"}}}");
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return new Module(deviceId, "edge-app", key);
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void aJavaModuleClientUsesItsOwnTwinAndAnswersModuleMethodsOver(IotHubClientProtocol protocol) throws Exception {
        Module m = newModule("mod-conn-" + protocol.name().toLowerCase());
        ModuleClient client = new ModuleClient(m.connectionString(hub), protocol,
                ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        BlockingQueue<Twin> pushes = new LinkedBlockingQueue<>();
        client.open(true);
        try {
            client.subscribeToMethods((name, payload, ctx) -> new DirectMethodResponse(200,
                    Map.of("module", m.moduleId(), "method", name)), null);
            client.subscribeToDesiredProperties((twin, ctx) -> pushes.add(twin), null);
            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "2.1");
            // (through the helper that tolerates the SDK's lost callback; see ReportedProperties)
            ReportedProperties.send(client, reported);

            JsonNode moduleTwin = Json.tree(rest.call("GET", "/twins/" + m.deviceId() + "/modules/" + m.moduleId(),
                    null).body());
            assertThat(moduleTwin.path("properties").path("reported").path("firmware").asText()).isEqualTo("2.1");
            JsonNode deviceTwin = Json.tree(rest.call("GET", "/twins/" + m.deviceId(), null).body());
            assertThat(deviceTwin.path("properties").path("reported").has("firmware"))
                    .as("the module reported into its own twin, not the device's").isFalse();

            rest.call("PATCH", "/twins/" + m.deviceId() + "/modules/" + m.moduleId(),
                    "{\"properties\":{\"desired\":{\"interval\":9}}}");
            Twin pushed = pushes.poll(10, TimeUnit.SECONDS);
            while (pushed != null && !pushed.getDesiredProperties().containsKey("interval")) {
                pushed = pushes.poll(10, TimeUnit.SECONDS);
            }
            assertThat(pushed).as("desired push to the module").isNotNull();
            assertThat(((Number) pushed.getDesiredProperties().get("interval")).intValue()).isEqualTo(9);
            assertThat(TwinReads.get(client).getDesiredProperties().get("interval")).isNotNull();

            var answer = new DirectMethodsClient(hubConnectionString).invoke(m.deviceId(), m.moduleId(), "ping",
                    DirectMethodRequestOptions.builder().payload(1).methodResponseTimeoutSeconds(10)
                            .methodConnectTimeoutSeconds(0).build());
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(Json.tree(answer.getPayloadAsJsonString()).path("module").asText()).isEqualTo(m.moduleId());

            RegistryClient registry = new RegistryClient(hubConnectionString);
            assertThat(registry.getModule(m.deviceId(), m.moduleId()).getConnectionState())
                    .isEqualTo(DeviceConnectionState.Connected);
            assertThat(registry.getDevice(m.deviceId()).getConnectionState())
                    .as("the device itself is not connected").isEqualTo(DeviceConnectionState.Disconnected);
        } finally {
            client.close();
        }
    }

    @Test
    void aModuleMethodWithoutItsModuleConnectedIsNotOnlineAndAnUnknownModuleIsNotFound() throws Exception {
        Module m = newModule("mod-off");
        DirectMethodsClient methods = new DirectMethodsClient(hubConnectionString);
        DirectMethodRequestOptions options = DirectMethodRequestOptions.builder().payload(1)
                .methodResponseTimeoutSeconds(5).methodConnectTimeoutSeconds(0).build();

        Throwable offline = catchThrowable(() -> methods.invoke(m.deviceId(), m.moduleId(), "ping", options));
        Throwable unknown = catchThrowable(() -> methods.invoke(m.deviceId(), "ghost", "ping", options));

        assertThat(((IotHubException) offline).getErrorCode()).isEqualTo(404103);
        assertThat(((IotHubException) unknown).getErrorCode()).isEqualTo(404010);
    }

    @Test
    void aModuleWithTheWrongKeyIsRefused() throws Exception {
        Module m = newModule("mod-wrong");
        ModuleClient client = new ModuleClient(new Module(m.deviceId(), m.moduleId(), Ids.symmetricKey())
                .connectionString(hub), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
        try {
            assertThat(catchThrowable(() -> client.open(false))).isInstanceOf(IotHubClientException.class);
        } finally {
            client.close();
        }
    }

    /** The Node module client (azure-iot-device ModuleClient over MQTT) answers, the Node service client invokes. */
    @Test
    void theNodeServiceClientInvokesAMethodOnANodeModule() throws Exception {
        NODE.install();
        Module m = newModule("node-mod");

        JsonNode out = NODE.run(List.of("node", "module-methods.js", hubConnectionString, m.connectionString(hub)), 90)
                .lastJson();

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.path("answer").path("status").asInt()).isEqualTo(200);
        assertThat(out.path("answer").path("payload").path("module").asText()).isEqualTo(m.moduleId());
        assertThat(out.path("answer").path("payload").path("got")).isEqualTo(Json.tree("{\"n\":3}"));
        assertThat(out.path("reported").asBoolean()).isTrue();
    }
}
