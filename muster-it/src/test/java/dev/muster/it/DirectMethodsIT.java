package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Direct methods through a built-in hub, both ends official SDKs: the Java service client's DirectMethodsClient
 * invokes, the Java device client answers over MQTT and MQTT over WebSockets; the Node service and device SDKs do the
 * same; and the registry shows the device's connection state while it is connected and after it left.
 */
class DirectMethodsIT {
    private static final NodePackage NODE = new NodePackage("node");
    private final String hub = MusterUnderTest.hub();
    private final String hubConnectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(hubConnectionString);
    private final DirectMethodsClient methods = new DirectMethodsClient(hubConnectionString);

    private String newDevice(String prefix, String key) throws Exception {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        rest.createSasDevice(id, key);
        return id;
    }

    /** A device that answers 'echo' with its payload, 'slow' after 8 s, anything else with 404. */
    private DeviceClient answeringDevice(String id, String key, IotHubClientProtocol protocol) throws Exception {
        DeviceClient device = Devices.hubClient(hub, id, key, protocol);
        device.open(true);
        device.subscribeToMethods((name, payload, context) -> switch (name) {
            case "echo" -> new DirectMethodResponse(200, Map.of("method", name,
                    "echo", JsonParser.parseString(payload.getPayloadAsJsonString())));
            case "slow" -> {
                try {
                    TimeUnit.SECONDS.sleep(8);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield new DirectMethodResponse(200, null);
            }
            default -> new DirectMethodResponse(404, Map.of("unknown", name));
        }, null);
        return device;
    }

    private static DirectMethodRequestOptions options(Object payload, int responseTimeout, int connectTimeout) {
        return DirectMethodRequestOptions.builder().payload(payload).methodResponseTimeoutSeconds(responseTimeout)
                .methodConnectTimeoutSeconds(connectTimeout).build();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS"})
    void theJavaServiceClientInvokesAMethodTheJavaDeviceAnswersOver(IotHubClientProtocol protocol) throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("method-" + protocol.name().toLowerCase(), key);
        DeviceClient device = answeringDevice(id, key, protocol);
        try {
            var answer = methods.invoke(id, "echo", options(Map.of("n", 7, "text", "héllo"), 10, 0));
            assertThat(answer.getStatus()).isEqualTo(200);
            JsonNode payload = Json.tree(answer.getPayloadAsJsonString());
            assertThat(payload.path("method").asText()).isEqualTo("echo");
            assertThat(payload.path("echo")).isEqualTo(Json.tree("{\"n\":7,\"text\":\"héllo\"}"));

            var unknown = methods.invoke(id, "reboot", options(null, 10, 0));
            assertThat(unknown.getStatus()).isEqualTo(404);
            assertThat(Json.tree(unknown.getPayloadAsJsonString()).path("unknown").asText()).isEqualTo("reboot");
        } finally {
            device.close();
        }
    }

    @Test
    void aDeviceThatIsNotConnectedIsRefusedWithDeviceNotOnline() throws Exception {
        String id = newDevice("method-offline", Ids.symmetricKey());

        Throwable refused = catchThrowable(() -> methods.invoke(id, "echo", options(1, 10, 0)));

        assertThat(refused).isInstanceOf(IotHubNotFoundException.class);
        assertThat(((IotHubException) refused).getErrorCode()).isEqualTo(404103);
        HttpResponse<String> raw = rest.call("POST", "/twins/" + id + "/methods",
                "{\"methodName\":\"echo\",\"payload\":1,\"responseTimeoutInSeconds\":5}");
        assertThat(raw.statusCode()).isEqualTo(404);
        JsonNode inner = Json.tree(Json.tree(raw.body()).path("Message").asText());
        assertThat(inner.path("errorCode").asInt()).isEqualTo(404103);
        assertThat(inner.path("message").asText()).isEqualTo("Timed out waiting for device to connect.");
    }

    @Test
    void anUnknownDeviceIsRefusedWithDeviceNotFound() throws Exception {
        Throwable refused = catchThrowable(() -> methods.invoke("no-such-device-" + UUID.randomUUID(), "echo",
                options(1, 10, 0)));

        assertThat(refused).isInstanceOf(IotHubNotFoundException.class);
        assertThat(((IotHubException) refused).getErrorCode()).isEqualTo(404001);
    }

    @Test
    void aCallWaitsItsConnectTimeoutForTheDeviceToConnect() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("method-later", key);
        DeviceClient[] device = new DeviceClient[1];
        Thread connector = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(2);
                device[0] = answeringDevice(id, key, IotHubClientProtocol.MQTT);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        connector.start();
        try {
            var answer = methods.invoke(id, "echo", options("late", 10, 30));
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(Json.tree(answer.getPayloadAsJsonString()).path("echo").asText()).isEqualTo("late");
        } finally {
            connector.join(20_000);
            if (device[0] != null) {
                device[0].close();
            }
        }
    }

    @Test
    void aDeviceThatAnswersTooLateTimesOutWithGatewayTimeout() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("method-slow", key);
        DeviceClient device = answeringDevice(id, key, IotHubClientProtocol.MQTT);
        try {
            long started = System.nanoTime();
            Throwable refused = catchThrowable(() -> methods.invoke(id, "slow", options(null, 5, 0)));
            assertThat(refused).isInstanceOf(IotHubGatewayTimeoutException.class);
            assertThat(((IotHubException) refused).getErrorCode()).isEqualTo(504101);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isBetween(4L, 8L);
        } finally {
            device.close();
        }
    }

    @Test
    void badRequestsAreRefusedAsIotHubRefusesThem() throws Exception {
        String id = newDevice("method-bad", Ids.symmetricKey());
        record Case(String body, int status) {}
        for (Case c : List.of(new Case("{\"payload\":1}", 400),
                new Case("{\"methodName\":\"a b\"}", 400),
                new Case("{\"methodName\":\"a\",\"responseTimeoutInSeconds\":301}", 400),
                new Case("{\"methodName\":\"a\",\"payload\":\"" + "x".repeat(130 * 1024) + "\"}", 413))) {
            HttpResponse<String> r = rest.call("POST", "/twins/" + id + "/methods", c.body());
            assertThat(r.statusCode()).as(c.body().substring(0, Math.min(60, c.body().length()))).isEqualTo(c.status());
            assertThat(r.headers().firstValue("iothub-errorcode")).isPresent();
        }
    }

    @Test
    void theRegistryShowsADeviceConnectedWhileItIsAndDisconnectedAfter() throws Exception {
        String key = Ids.symmetricKey();
        String id = newDevice("conn-state", key);
        RegistryClient registry = new RegistryClient(hubConnectionString);
        assertThat(registry.getDevice(id).getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);

        DeviceClient device = Devices.hubClient(hub, id, key, IotHubClientProtocol.MQTT);
        device.open(true);
        try {
            assertThat(registry.getDevice(id).getConnectionState()).isEqualTo(DeviceConnectionState.Connected);
            JsonNode twin = Json.tree(rest.call("GET", "/twins/" + id, null).body());
            assertThat(twin.path("connectionState").asText()).isEqualTo("Connected");
        } finally {
            device.close();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        DeviceConnectionState state;
        do {
            state = registry.getDevice(id).getConnectionState();
        } while (state != DeviceConnectionState.Disconnected && System.nanoTime() < until);
        assertThat(state).isEqualTo(DeviceConnectionState.Disconnected);
        assertThat(registry.getDevice(id).getLastActivityTime()).doesNotStartWith("0001");
    }

    /** The Node device SDK (MQTT) answers, the Node service SDK invokes. */
    @Test
    void theNodeServiceClientInvokesAMethodTheNodeDeviceAnswers() throws Exception {
        NODE.install();
        String key = Ids.symmetricKey();
        String id = newDevice("node-method", key);
        String offline = newDevice("node-method-offline", Ids.symmetricKey());
        String deviceConnectionString = "HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key;

        JsonNode out = NODE.run(List.of("node", "device-methods.js", hubConnectionString, deviceConnectionString,
                offline), 90).lastJson();

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.path("echo").path("status").asInt()).isEqualTo(200);
        assertThat(out.path("echo").path("payload").path("echo")).isEqualTo(Json.tree("{\"n\":7,\"s\":\"héllo\"}"));
        assertThat(out.path("echo").path("payload").path("method").asText()).isEqualTo("echo");
        assertThat(out.path("fail").path("status").asInt()).isEqualTo(418);
        assertThat(out.path("fail").path("payload").path("reason").asText()).isEqualTo("teapot");
        assertThat(out.path("offline").path("status").asInt()).as(out.toString()).isEqualTo(404);
    }
}
