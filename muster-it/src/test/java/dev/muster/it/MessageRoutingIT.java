package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.core.Json;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.events.EventIngest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Message routing as IoT Hub does it, on the second built-in hub (its routing is put back to the default after each
 * test): a route with a condition on an application property and the JSON body sends the Java device SDK's matching
 * telemetry to the built-in endpoint and, with the fallback route off, nothing else; the routing API refuses stale
 * etags and conditions that do not parse (with the position), masks endpoint credentials, and tests routes.
 */
class MessageRoutingIT {
    private static final String HUB = MusterUnderTest.SECOND_HUB;
    private static final String DEFAULT_ROUTING = """
            {"endpoints":{},"routes":[],"fallbackRoute":{"name":"$fallback","source":"DeviceMessages",
             "condition":"true","endpointNames":["events"],"isEnabled":true}}""";
    private final HubRest hub = new HubRest(MusterUnderTest.info().hubs().stream()
            .filter(h -> h.hostName().equals(HUB)).findFirst().orElseThrow().connectionString());

    @AfterEach
    void restoreDefaultRouting() throws Exception {
        assertThat(hub.call("PUT", "/routing", DEFAULT_ROUTING).statusCode()).isEqualTo(200);
    }

    private static String alarmsRouting(String condition) {
        return """
                {"endpoints":{"webhooks":[{"name":"audit","url":"https://audit.example.net/in",
                  "headers":{"Authorization":"Bearer top-secret-value"}}]},
                 "routes":[{"name":"alarms","source":"DeviceMessages","condition":%s,
                  "endpointNames":["events"],"isEnabled":true}],
                 "fallbackRoute":{"name":"$fallback","source":"DeviceMessages","condition":"true",
                  "endpointNames":["events"],"isEnabled":false}}""".formatted(Json.write(condition));
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void onlyTelemetryMatchingTheRouteReachesTheBuiltInEndpoint(IotHubClientProtocol protocol) throws Exception {
        HttpResponse<String> put = hub.call("PUT", "/routing",
                alarmsRouting("kind = 'alarm' AND $body.temperature > 30"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        String id = "route-" + protocol.name().toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 6);
        String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        hub.createSasDevice(id, key);
        Instant before = Instant.now().minusSeconds(1);
        DeviceClient device = Devices.hubClient(HUB, id, key, protocol);
        device.open(true);
        try {
            device.sendEvent(json("hot-alarm", "{\"temperature\":35}", "alarm"));
            device.sendEvent(json("cold-alarm", "{\"temperature\":20}", "alarm"));
            device.sendEvent(json("hot-info", "{\"temperature\":40}", "info"));
            Message notJson = new Message("{\"temperature\":50}");
            notJson.setMessageId("untyped-alarm");
            notJson.setProperty("kind", "alarm");
            device.sendEvent(notJson);
            device.sendEvent(json("hot-alarm-2", "{\"temperature\":31.5}", "alarm"));
        } finally {
            device.close();
        }
        // The last message is routed; once it is on the stream every earlier one was decided (ordered per device).
        List<HubEvent> events = eventsOf(id, before,
                e -> "hot-alarm-2".equals(e.content().systemProperty(SystemProperties.MESSAGE_ID)));
        assertThat(events).extracting(e -> e.content().systemProperty(SystemProperties.MESSAGE_ID))
                .containsExactly("hot-alarm", "hot-alarm-2");
        assertThat(events.get(0).content().applicationProperties()).containsEntry("kind", "alarm");
    }

    private static Message json(String messageId, String body, String kind) {
        Message m = new Message(body);
        m.setMessageId(messageId);
        m.setContentType("application/json");
        m.setContentEncoding("utf-8");
        m.setProperty("kind", kind);
        return m;
    }

    /** The device's events in its partition of the hub's stream, waiting until one is {@code last}. */
    private static List<HubEvent> eventsOf(String deviceId, Instant since, java.util.function.Predicate<HubEvent> last)
            throws Exception {
        HubEventStore store = MusterUnderTest.server().store().events();
        int partition = EventIngest.partitionOf(deviceId, store.stream(HUB).orElseThrow().partitionCount());
        long from = store.firstSequenceEnqueuedAtOrAfter(HUB, partition, since);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (true) {
            List<HubEvent> mine = new ArrayList<>();
            for (HubEvent e : store.read(HUB, partition, from, 10_000)) {
                if (deviceId.equals(e.content().systemProperty(SystemProperties.CONNECTION_DEVICE_ID))) {
                    mine.add(e);
                }
            }
            if (mine.stream().anyMatch(last) || Instant.now().isAfter(deadline)) {
                return mine;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void twinChangesAndLifecycleEventsReachTheBuiltInEndpointOnlyWhenRouted() throws Exception {
        String id = "route-events-" + UUID.randomUUID().toString().substring(0, 6);
        Instant before = Instant.now().minusSeconds(1);
        hub.createSasDevice(id, Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(
                StandardCharsets.UTF_8)));
        hub.patchTwin(id, "{\"tags\":{\"unrouted\":true}}");
        HttpResponse<String> put = hub.call("PUT", "/routing", """
                {"routes":[{"name":"twins","source":"TwinChangeEvents","condition":"$body.tags.floor >= 2",
                  "endpointNames":["events"]},
                 {"name":"life","source":"DeviceLifecycleEvents","condition":"opType = 'deleteDeviceIdentity'",
                  "endpointNames":["events"]}],
                 "fallbackRoute":{"name":"$fallback","source":"DeviceMessages","condition":"true",
                  "endpointNames":["events"],"isEnabled":true}}""");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        hub.patchTwin(id, "{\"tags\":{\"floor\":1}}");
        hub.patchTwin(id, "{\"tags\":{\"floor\":3}}");
        assertThat(hub.call("DELETE", "/devices/" + id, null).statusCode()).isIn(200, 204);

        List<HubEvent> events = eventsOf(id, before, e -> "deleteDeviceIdentity".equals(
                e.content().systemProperty(SystemProperties.OPERATION_TYPE)));
        assertThat(events).extracting(e -> e.content().systemProperty(SystemProperties.MESSAGE_SOURCE) + " "
                        + e.content().systemProperty(SystemProperties.OPERATION_TYPE))
                .containsExactly("twinChangeEvents updateTwin", "deviceLifecycleEvents deleteDeviceIdentity");
        JsonNode change = Json.tree(new String(events.get(0).content().body(), StandardCharsets.UTF_8));
        assertThat(change.at("/tags/floor").asInt()).isEqualTo(3);
        JsonNode deleted = Json.tree(new String(events.get(1).content().body(), StandardCharsets.UTF_8));
        assertThat(deleted.path("deviceId").asText()).isEqualTo(id);
        assertThat(deleted.at("/tags/floor").asInt()).isEqualTo(3);
    }

    @Test
    void theRoutingIsReadBackWithItsEtagAndCredentialsMasked() throws Exception {
        assertThat(hub.call("PUT", "/routing", alarmsRouting("kind = 'alarm'")).statusCode()).isEqualTo(200);
        HttpResponse<String> get = hub.call("GET", "/routing", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).doesNotContain("top-secret-value");
        JsonNode body = Json.tree(get.body());
        assertThat(body.at("/endpoints/webhooks/0/headers/Authorization").asText()).isEqualTo("*****");
        assertThat(body.at("/routes/0/condition").asText()).isEqualTo("kind = 'alarm'");
        assertThat(body.at("/fallbackRoute/isEnabled").asBoolean()).isFalse();
        String etag = get.headers().firstValue("ETag").orElseThrow();

        // Sent back masked, the stored credential is kept; a stale etag is refused.
        HttpResponse<String> again = hub.callWithIfMatch("PUT", "/routing", get.body(), etag);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        HttpResponse<String> stale = hub.callWithIfMatch("PUT", "/routing", get.body(), etag);
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("iothub-errorcode")).hasValue("PreconditionFailed");
    }

    @Test
    void aConditionThatDoesNotParseIsRefusedWithItsPosition() throws Exception {
        HttpResponse<String> r = hub.call("PUT", "/routing", alarmsRouting("kind = 'alarm' AND $body.t >"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("iothub-errorcode")).hasValue("ArgumentInvalid");
        assertThat(r.body()).contains("route 'alarms'").contains("position 29");
        assertThat(Json.tree(hub.call("GET", "/routing", null).body()).path("routes")).isEmpty();
    }

    @Test
    void testingRoutesSaysWhichRoutesTakeAMessage() throws Exception {
        assertThat(hub.call("PUT", "/routing", alarmsRouting("kind = 'alarm' AND $body.temperature > 30"))
                .statusCode()).isEqualTo(200);
        String message = """
                {"routingSource":"DeviceMessages","message":{"body":"{\\"temperature\\":42}",
                 "appProperties":{"kind":"alarm"},
                 "systemProperties":{"contentType":"application/json","contentEncoding":"utf-8"}}}""";
        JsonNode all = Json.tree(hub.call("POST", "/routing/test", message).body());
        assertThat(all.at("/routes/0/properties/name").asText()).isEqualTo("alarms");
        assertThat(all.path("endpoints").toString()).isEqualTo("[\"events\"]");

        JsonNode cold = Json.tree(hub.call("POST", "/routing/test", message.replace("42", "12")).body());
        assertThat(cold.path("routes")).isEmpty();
        assertThat(cold.path("fallbackRoute").asBoolean()).isFalse();
        assertThat(cold.path("endpoints")).isEmpty();

        JsonNode one = Json.tree(hub.call("POST", "/routing/test", """
                {"route":{"name":"probe","source":"DeviceMessages","condition":"$body.temperature = 42",
                 "endpointNames":["events"]},"message":{"body":"{\\"temperature\\":42}",
                 "systemProperties":{"contentType":"application/json","contentEncoding":"utf-8"}}}""").body());
        assertThat(one.path("result").asText()).isEqualTo("true");
    }
}
