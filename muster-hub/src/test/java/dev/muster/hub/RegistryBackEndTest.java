package dev.muster.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.query.QueryPage;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry as back ends use it: list, bulk writes, gateway scopes, queries over twins. */
class RegistryBackEndTest {
    private static final String HUB = "hub-one.muster.test";

    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, new MutableClock(Instant.parse("2025-04-01T09:00:00Z")));
    private final BulkRegistry bulk = new BulkRegistry(builtIn.devices());

    @BeforeEach
    void setUp() {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
    }

    private HubDevice put(String id) {
        return builtIn.devices().putDevice(HUB, HubDevice.of(id, null, null), null);
    }

    private HubDevice putEdge(String id) {
        return builtIn.devices().putDevice(HUB, HubDevice.of(id, null, new DeviceCapabilities(true)), null);
    }

    private static void assertRefused(ThrowingCallable call, HubErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static JsonNode json(String text) {
        return Json.tree(text.replace('\'', '"'));
    }

    @Test
    void aNewDeviceShowsAzuresDefaultsForWhatTheHubTracks() {
        HubDevice d = put("fresh");
        assertThat(d.connectionState()).isEqualTo("Disconnected");
        assertThat(d.connectionStateUpdatedTime()).isEqualTo(HubDevice.NEVER);
        assertThat(d.lastActivityTime()).isEqualTo(HubDevice.NEVER);
        assertThat(d.cloudToDeviceMessageCount()).isZero();
        assertThat(d.parentScopes()).isEmpty();
        assertThat(d.deviceScope()).isNull();
        assertThat(builtIn.devices().device(HUB, "fresh").orElseThrow()).isEqualTo(d);
    }

    @Test
    void theListIsInIdOrderAndTopOutsideOneToAThousandMeansAThousand() {
        for (String id : List.of("c", "a", "b")) {
            put(id);
        }
        assertThat(builtIn.devices().list(HUB, 2)).extracting(HubDevice::deviceId).containsExactly("a", "b");
        assertThat(builtIn.devices().list(HUB, null)).hasSize(3);
        assertThat(builtIn.devices().list(HUB, 0)).hasSize(3);
        assertThat(builtIn.devices().list(HUB, 5000)).hasSize(3);
        assertThat(builtIn.devices().list(HUB, 1).get(0).connectionState()).isEqualTo("Disconnected");
    }

    @Test
    void anEdgeDeviceOwnsAScopeItsChildrenTakeAsDeviceAndParentScope() {
        HubDevice edge = putEdge("gateway-1");
        assertThat(edge.deviceScope()).matches("ms-azure-iot-edge://gateway-1-\\d+");
        assertThat(putEdge("gateway-1").deviceScope()).as("kept on update").isEqualTo(edge.deviceScope());

        HubDevice child = builtIn.devices().putDevice(HUB, HubDevice.of("leaf", null, null)
                .withScopes(edge.deviceScope(), null), null);

        assertThat(child.deviceScope()).isEqualTo(edge.deviceScope());
        assertThat(child.parentScopes()).containsExactly(edge.deviceScope());
        assertThat(builtIn.twins().twinJson(HUB, "leaf").orElseThrow().path("parentScopes").get(0).asText())
                .isEqualTo(edge.deviceScope());
    }

    @Test
    void scopesThatNameNoEdgeDeviceAreRefused() {
        HubDevice plain = put("plain");
        HubDevice edge = putEdge("gw");
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("x", null, null)
                .withScopes("ms-azure-iot-edge://nobody-1", null), null), HubErrorCode.INVALID_DEVICE_SCOPE);
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("x", null, null)
                .withScopes("ms-azure-iot-edge://plain-1", null), null), HubErrorCode.INVALID_DEVICE_SCOPE);
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("x", null, null)
                .withScopes("not-a-scope", null), null), HubErrorCode.INVALID_DEVICE_SCOPE);
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("x", null, null)
                .withScopes(edge.deviceScope(), List.of("ms-azure-iot-edge://other-1")), null),
                HubErrorCode.INVALID_DEVICE_SCOPE);
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("gw", null, new DeviceCapabilities(true))
                .withScopes(null, List.of(edge.deviceScope())), null), HubErrorCode.INVALID_DEVICE_SCOPE);
        assertThat(plain.deviceScope()).isNull();
        assertThat(builtIn.devices().device(HUB, "x")).isEmpty();
    }

    @Test
    void anEdgeDeviceMaySitBehindAParentEdgeDevice() {
        HubDevice top = putEdge("top");
        HubDevice lower = builtIn.devices().putDevice(HUB, HubDevice.of("lower", null, new DeviceCapabilities(true))
                .withScopes(null, List.of(top.deviceScope())), null);
        assertThat(lower.deviceScope()).startsWith("ms-azure-iot-edge://lower-");
        assertThat(lower.parentScopes()).containsExactly(top.deviceScope());
    }

    @Test
    void bulkWritesEachDeviceAndReportsEachFailureByName() {
        put("exists");
        BulkRegistry.Result r = bulk.apply(HUB, json("[{'id':'new-1','importMode':'create'},"
                + "{'id':'exists','importMode':'Create'},{'id':'bad id!#','importMode':'create'},"
                + "{'id':'ghost','importMode':'Delete'}]"));

        assertThat(r.successful()).isFalse();
        assertThat(r.errors()).extracting(e -> e.get("deviceId") + ":" + e.get("errorCode"))
                .containsExactly("exists:DeviceAlreadyExists", "bad id!#:ArgumentInvalid", "ghost:DeviceNotFound");
        assertThat(builtIn.devices().device(HUB, "new-1")).isPresent();
        assertThat(r.body()).containsEntry("warnings", List.of());
    }

    @Test
    void bulkUpdatesAndDeletesHonourTheEtagOnlyInTheirIfMatchModes() {
        HubDevice a = put("a");
        put("b");
        BulkRegistry.Result stale = bulk.apply(HUB, json("[{'id':'a','importMode':'updateIfMatchETag','status':'disabled',"
                + "'eTag':'\\\"stale\\\"'},{'id':'b','importMode':'deleteifmatchetag','etag':'nope'}]"));
        assertThat(stale.errors()).extracting(e -> e.get("errorCode")).containsExactly("PreconditionFailed",
                "PreconditionFailed");

        BulkRegistry.Result ok = bulk.apply(HUB, json("[{'id':'a','importMode':'UpdateIfMatchETag','status':'disabled',"
                + "'eTag':'" + a.etag() + "'},{'id':'b','importMode':'Delete'},{'id':'c','importMode':'Update'}]"));
        assertThat(ok.errors()).extracting(e -> e.get("deviceId") + ":" + e.get("errorCode"))
                .containsExactly("c:DeviceNotFound");
        assertThat(builtIn.devices().device(HUB, "a").orElseThrow().status()).isEqualTo("disabled");
        assertThat(builtIn.devices().device(HUB, "b")).isEmpty();
        assertThat(builtIn.devices().device(HUB, "c")).as("update does not create").isEmpty();
    }

    @Test
    void bulkRefusesDuplicatesTooManyDevicesAndUnknownModesBeforeWritingAnything() {
        assertRefused(() -> bulk.apply(HUB, json("[{'id':'d','importMode':'create'},{'id':'d','importMode':'delete'}]")),
                HubErrorCode.DEVICE_DEFINED_MULTIPLE_TIMES);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= BulkRegistry.MAX_DEVICES; i++) {
            many.append(i == 0 ? "" : ",").append("{\"id\":\"m").append(i).append("\",\"importMode\":\"create\"}");
        }
        assertRefused(() -> bulk.apply(HUB, Json.tree(many.append("]").toString())), HubErrorCode.TOO_MANY_DEVICES);
        assertRefused(() -> bulk.apply(HUB, json("[{'id':'e','importMode':'create'},{'id':'f','importMode':'upsert'}]")),
                HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> bulk.apply(HUB, json("{'id':'e'}")), HubErrorCode.ARGUMENT_INVALID);
        assertThat(store.deviceIds(HUB)).isEmpty();
    }

    @Test
    void queriesSeeTwinsAsTheTwinApiRendersThem() {
        put("q1");
        put("q2");
        builtIn.twins().patchTwin(HUB, "q1", json("{'tags':{'site':'x'}}"), null);
        builtIn.twins().patchReported(HUB, "q1", json("{'fw':3}"));
        builtIn.twins().patchReported(HUB, "q2", json("{'fw':1}"));

        QueryPage page = builtIn.queries().query(HUB, "SELECT * FROM devices WHERE tags.site = 'x'"
                + " AND properties.reported.fw > 2", null, null);

        assertThat(page.items()).containsExactly(builtIn.twins().twinJson(HUB, "q1").orElseThrow());
        assertThat(page.continuation()).isNull();
        assertThat(builtIn.queries().query(HUB, "SELECT COUNT() AS n FROM devices", null, null).items())
                .containsExactly(Json.tree("{\"n\":2}"));
        assertThat(builtIn.queries().query(HUB, "SELECT * FROM devices.modules", null, null).items()).isEmpty();
    }

    @Test
    void queryPagesFollowTheRequestedSizeUpToAThousand() {
        for (int i = 0; i < 5; i++) {
            put("p" + i);
        }
        QueryPage first = builtIn.queries().query(HUB, "SELECT deviceId FROM devices", 2, null);
        QueryPage second = builtIn.queries().query(HUB, "SELECT deviceId FROM devices", 2, first.continuation());
        assertThat(first.items()).extracting(i -> i.path("deviceId").asText()).containsExactly("p0", "p1");
        assertThat(second.items()).extracting(i -> i.path("deviceId").asText()).containsExactly("p2", "p3");
        assertThat(builtIn.queries().query(HUB, "SELECT deviceId FROM devices", 0, null).items()).hasSize(5);
    }

    @Test
    void malformedQueriesAndForeignContinuationsAreArgumentInvalidNamingThePosition() {
        assertThatThrownBy(() -> builtIn.queries().query(HUB, "SELECT * FROM devices WHERE", null, null))
                .isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(HubErrorCode.ARGUMENT_INVALID))
                .hasMessageContaining("position 28");
        assertRefused(() -> builtIn.queries().query(HUB, "SELECT * FROM devices", null, "garbage!"),
                HubErrorCode.ARGUMENT_INVALID);
    }
}
