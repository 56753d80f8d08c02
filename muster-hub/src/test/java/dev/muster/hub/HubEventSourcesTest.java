package dev.muster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.testing.InMemoryConnectionStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.hub.connections.DeviceConnections;
import dev.muster.hub.routing.HubEventSources;
import dev.muster.hub.routing.RouteCondition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Twin changes, identity lifecycle and connection states become messages, as IoT Hub's non-telemetry events. */
class HubEventSourcesTest {
    private static final String HUB = ModuleFixtures.HUB;
    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, Clock.systemUTC());
    private final List<EventContent> sent = new ArrayList<>();
    private final Set<RouteSource> routed = EnumSet.noneOf(RouteSource.class);
    private final HubEventSources sources = new HubEventSources((hub, source) -> routed.contains(source),
            (hub, deviceId, m) -> {
                sent.add(m);
                return CompletableFuture.completedFuture(null);
            }, Clock.systemUTC());

    @BeforeEach
    void wire() {
        ModuleFixtures.hubWithDevice(store, builtIn);
        builtIn.twins().reportChangesTo(sources);
        builtIn.devices().reportLifecycleTo(sources);
        builtIn.modules().reportLifecycleTo(sources);
    }

    private static JsonNode body(EventContent e) {
        return Json.tree(new String(e.body(), StandardCharsets.UTF_8));
    }

    @Test
    void nothingIsProducedForASourceNoRouteTakes() {
        builtIn.twins().patchReported(HUB, "dev1", Json.tree("{\"fw\":\"1.0\"}"));
        builtIn.devices().putDevice(HUB, HubDevice.of("dev2", null, null), null);
        assertThat(sent).isEmpty();
    }

    @Test
    void aReportedChangeIsATwinChangeEventWithOnlyWhatChanged() {
        routed.add(RouteSource.TWIN_CHANGE_EVENTS);
        builtIn.twins().patchReported(HUB, "dev1", Json.tree("{\"fw\":\"2.0\",\"$ignored\":1}"));
        assertThat(sent).hasSize(1);
        EventContent e = sent.get(0);
        assertThat(e.systemProperties()).containsEntry(SystemProperties.MESSAGE_SOURCE, "twinChangeEvents")
                .containsEntry(SystemProperties.OPERATION_TYPE, "updateTwin")
                .containsEntry(SystemProperties.DEVICE_ID, "dev1")
                .containsEntry(SystemProperties.HUB_NAME, "hub-one")
                .containsEntry(SystemProperties.CONTENT_TYPE, "application/json")
                .containsEntry("iothub-message-schema", "twinChangeNotification")
                .containsKey(SystemProperties.OPERATION_TIMESTAMP);
        JsonNode body = body(e);
        assertThat(body.path("version").asLong()).isEqualTo(2);
        assertThat(body.at("/properties/reported/fw").asText()).isEqualTo("2.0");
        assertThat(body.at("/properties/reported/$version").asLong()).isEqualTo(2);
        assertThat(body.has("tags")).isFalse();
        assertThat(RouteCondition.parse("opType = 'updateTwin' AND $body.properties.reported.fw = '2.0'")
                .matches(e)).isTrue();
    }

    @Test
    void aServiceTwinPatchAndReplaceNameTheirOperationAndTheChangedParts() {
        routed.add(RouteSource.TWIN_CHANGE_EVENTS);
        builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"floor\":3},\"properties\":{\"desired\":"
                + "{\"rate\":5}}}"), null);
        builtIn.twins().replaceTwin(HUB, "dev1", Json.tree("{\"tags\":{\"floor\":3}}"), null);
        builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"floor\":3}}"), null);
        assertThat(sent).extracting(e -> e.systemProperty(SystemProperties.OPERATION_TYPE))
                .containsExactly("updateTwin", "replaceTwin");
        JsonNode patch = body(sent.get(0));
        assertThat(patch.at("/tags/floor").asInt()).isEqualTo(3);
        assertThat(patch.at("/properties/desired/rate").asInt()).isEqualTo(5);
        assertThat(patch.at("/properties/desired/$version").asLong()).isEqualTo(2);
        JsonNode replaced = body(sent.get(1));
        assertThat(replaced.has("tags")).isFalse();
        assertThat(replaced.at("/properties/desired").size()).isEqualTo(1);
        assertThat(replaced.at("/properties/desired/$version").asLong()).isEqualTo(3);
    }

    @Test
    void creatingAndDeletingDevicesAndModulesAreLifecycleEventsWithTheTwinAsBody() {
        routed.add(RouteSource.DEVICE_LIFECYCLE_EVENTS);
        builtIn.devices().putDevice(HUB, HubDevice.of("dev2", null, null), null);
        builtIn.twins().patchTwin(HUB, "dev2", Json.tree("{\"tags\":{\"site\":\"north\"}}"), null);
        builtIn.modules().putModule(HUB, ModuleFixtures.requested("dev2", "m1", null), null);
        builtIn.modules().deleteModule(HUB, "dev2", "m1", null);
        builtIn.devices().deleteDevice(HUB, "dev2", null);
        assertThat(sent).extracting(e -> e.systemProperty(SystemProperties.OPERATION_TYPE) + "/"
                        + e.systemProperty(SystemProperties.MODULE_ID))
                .containsExactly("createDeviceIdentity/null", "createDeviceIdentity/m1", "deleteDeviceIdentity/m1",
                        "deleteDeviceIdentity/null");
        assertThat(body(sent.get(0)).path("deviceId").asText()).isEqualTo("dev2");
        assertThat(body(sent.get(1)).path("moduleId").asText()).isEqualTo("m1");
        JsonNode deleted = body(sent.get(3));
        assertThat(deleted.at("/tags/site").asText()).isEqualTo("north");
        assertThat(sent.get(3).systemProperty(SystemProperties.MESSAGE_SOURCE)).isEqualTo("deviceLifecycleEvents");
    }

    @Test
    void connectionsAndDisconnectionsAreConnectionStateEventsWithGrowingSequenceNumbers() {
        routed.add(RouteSource.DEVICE_CONNECTION_STATE_EVENTS);
        DeviceConnections connections = new DeviceConnections(new InMemoryConnectionStore(), Clock.systemUTC(),
                "127.0.0.1", 443);
        connections.reportConnectionsTo(sources);
        ConnectionKey key = ConnectionKey.device(HUB, "dev1");
        String first = connections.connected(key);
        String second = connections.connected(key);
        connections.disconnected(key, first);
        connections.disconnected(key, second);
        assertThat(sent).extracting(e -> e.systemProperty(SystemProperties.OPERATION_TYPE))
                .containsExactly("deviceConnected", "deviceConnected", "deviceDisconnected");
        List<String> sequence = sent.stream().map(e -> body(e).path("sequenceNumber").asText()).toList();
        assertThat(sequence).isSorted().doesNotHaveDuplicates().allSatisfy(s -> assertThat(s).hasSize(64));
        assertThat(sent.get(2).systemProperty(SystemProperties.MESSAGE_SOURCE))
                .isEqualTo("deviceConnectionStateEvents");
    }
}
