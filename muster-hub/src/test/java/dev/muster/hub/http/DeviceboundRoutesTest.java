package dev.muster.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubModule;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceboundRoutesTest {
    private static final DeviceQueue DEV1 = DeviceQueue.device(HubApiServer.HUB, "dev1");
    private final HubApiServer server;

    DeviceboundRoutesTest() throws Exception {
        server = new HubApiServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        Map<String, String> all = new HashMap<>(headers);
        all.putIfAbsent("Authorization", server.token());
        return server.send("POST", path, body, all);
    }

    private Optional<CloudToDeviceMessage> next(DeviceQueue queue) {
        return server.cloudToDevice.next(queue);
    }

    @Test
    void aPostedMessageIsQueuedWithItsIdsPropertiesAckAndExpiry() throws Exception {
        Instant expiry = Instant.now().plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        HttpResponse<String> r = post("/devices/dev1/messages/devicebound?api-version=2021-04-12", "{\"led\":\"on\"}",
                Map.of("iothub-messageid", "msg-1", "iothub-correlationid", "corr-1", "iothub-ack", "full",
                        "iothub-contenttype", "application/json", "iothub-contentencoding", "utf-8",
                        "iothub-expiry", expiry.toString(), "iothub-app-kind", "command", "Content-Type", "text/plain"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        CloudToDeviceMessage m = next(DEV1).orElseThrow();
        assertThat(new String(m.content().body(), StandardCharsets.UTF_8)).isEqualTo("{\"led\":\"on\"}");
        assertThat(m.content().messageId()).isEqualTo("msg-1");
        assertThat(m.content().correlationId()).isEqualTo("corr-1");
        assertThat(m.content().ack()).isEqualTo("full");
        assertThat(m.content().contentType()).isEqualTo("application/json");
        assertThat(m.content().contentEncoding()).isEqualTo("utf-8");
        assertThat(m.content().to()).isEqualTo("/devices/dev1/messages/devicebound");
        assertThat(m.content().properties()).containsExactly(Map.entry("kind", "command"));
        assertThat(m.expiresAt()).isEqualTo(expiry);
    }

    @Test
    void aMessageForAModuleGoesToTheModulesQueue() throws Exception {
        server.builtIn.modules().putModule(HubApiServer.HUB,
                new HubModule("dev1", "sensor", null, null, null, null, null, null, null, null), null);

        HttpResponse<String> r = post("/devices/dev1/modules/sensor/messages/devicebound", "ping", Map.of());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        assertThat(next(DEV1)).isEmpty();
        CloudToDeviceMessage m = next(new DeviceQueue(HubApiServer.HUB, "dev1", "sensor")).orElseThrow();
        assertThat(m.content().to()).isEqualTo("/devices/dev1/modules/sensor/messages/devicebound");
    }

    @Test
    void anUnknownDeviceOrModuleIsRefusedWithAzuresCodes() throws Exception {
        HttpResponse<String> device = post("/devices/nobody/messages/devicebound", "x", Map.of());
        HttpResponse<String> module = post("/devices/dev1/modules/nothing/messages/devicebound", "x", Map.of());

        assertThat(device.statusCode()).isEqualTo(404);
        assertThat(device.headers().firstValue("iothub-errorcode")).hasValue("DeviceNotFound");
        assertThat(device.body()).contains("404001");
        assertThat(module.statusCode()).isEqualTo(404);
        assertThat(module.headers().firstValue("iothub-errorcode")).hasValue("ModuleNotFound");
        assertThat(module.body()).contains("404010");
    }

    @Test
    void aCallerWithoutTheHubPolicyQueuesNothing() throws Exception {
        HttpResponse<String> none = server.send("POST", "/devices/dev1/messages/devicebound", "x", Map.of());
        HttpResponse<String> forged = post("/devices/dev1/messages/devicebound", "x",
                Map.of("Authorization", server.token().replaceFirst("sig=[^&]+", "sig=AAAA")));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(next(DEV1)).isEmpty();
    }

    @Test
    void aBodyOverSixtyFourKilobytesIsRefusedWith413() throws Exception {
        HttpResponse<String> r = post("/devices/dev1/messages/devicebound", "x".repeat(64 * 1024 + 1), Map.of());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("413001");
        assertThat(post("/devices/dev1/messages/devicebound", "x".repeat(64 * 1024), Map.of()).statusCode())
                .isEqualTo(204);
    }

    @Test
    void theFiftyFirstMessageFindsTheQueueFull() throws Exception {
        for (int i = 0; i < 50; i++) {
            assertThat(post("/devices/dev1/messages/devicebound", "m" + i, Map.of()).statusCode()).isEqualTo(204);
        }

        HttpResponse<String> r = post("/devices/dev1/messages/devicebound", "one too many", Map.of());

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("iothub-errorcode")).hasValue("DeviceMaximumQueueDepthExceeded");
        assertThat(r.body()).contains("403004");
    }

    @Test
    void anUnknownAckOrAMalformedExpiryIsABadRequest() throws Exception {
        HttpResponse<String> ack = post("/devices/dev1/messages/devicebound", "x", Map.of("iothub-ack", "always"));
        HttpResponse<String> expiry = post("/devices/dev1/messages/devicebound", "x",
                Map.of("iothub-expiry", "tomorrow"));

        assertThat(ack.statusCode()).isEqualTo(400);
        assertThat(ack.body()).contains("400004");
        assertThat(expiry.statusCode()).isEqualTo(400);
        assertThat(expiry.body()).contains("iothub-expiry");
        assertThat(next(DEV1)).isEmpty();
    }

    @Test
    void onlyPostSends() throws Exception {
        HttpResponse<String> r = server.send("PUT", "/devices/dev1/messages/devicebound", null,
                Map.of("Authorization", server.token()));

        assertThat(r.statusCode()).isEqualTo(405);
    }

    @Test
    void aGetIsTheDevicesOwnReceiveWhichTheHubPolicyCannotUse() throws Exception {
        HttpResponse<String> r = server.send("GET", "/devices/dev1/messages/devicebound", null,
                Map.of("Authorization", server.token()));

        assertThat(r.statusCode()).isEqualTo(401);
    }
}
