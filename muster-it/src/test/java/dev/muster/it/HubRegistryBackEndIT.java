package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.RawQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.DeviceCapabilities;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry as back ends use it, through the official service clients unchanged: Java {@code iot-service-client}
 * 2.1.6 (RegistryClient, QueryClient) and Node {@code azure-iothub} 1.16.6 (list, bulk, paged twin queries).
 */
class HubRegistryBackEndIT {
    private static final NodePackage NODE = new NodePackage("node-service");

    private final String connectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(connectionString);
    /**
     * Listing returns the first 1000 devices in ID order; the suite's storms fill the first hub, so the list tests use
     * the second, which only tenancy tests touch.
     */
    private final String listedHub = MusterUnderTest.info().hubs().get(1).connectionString();

    private void tag(String deviceId, String tags) throws Exception {
        HttpResponse<String> r = rest.call("PATCH", "/twins/" + deviceId, "{\"tags\":" + tags + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void theJavaRegistryClientCreatesAndReadsDevicesWithAzuresFieldsAndGatewayScopes() throws Exception {
        String run = "java-reg-" + UUID.randomUUID().toString().substring(0, 6);
        RegistryClient registry = new RegistryClient(connectionString);

        Device gateway = new Device(run + "-gw");
        DeviceCapabilities edge = new DeviceCapabilities();
        edge.setIotEdge(true);
        gateway.setCapabilities(edge);
        Device addedGateway = registry.addDevice(gateway);
        Device leaf = new Device(run + "-leaf");
        leaf.setScope(addedGateway.getScope());
        registry.addDevice(leaf);
        Device read = registry.getDevice(run + "-leaf");

        assertThat(addedGateway.getScope()).startsWith("ms-azure-iot-edge://" + run + "-gw-");
        assertThat(read.getETag()).isNotBlank();
        assertThat(read.getGenerationId()).isNotBlank();
        assertThat(read.getPrimaryKey()).isNotBlank();
        assertThat(read.getConnectionState()).isEqualTo(DeviceConnectionState.Disconnected);
        // the client re-formats the times it reads (with a week-based year: 0001-01-01 comes out as 0001-12-28)
        assertThat(read.getConnectionStateUpdatedTime()).as("Azure's 'never' time").startsWith("0001-");
        assertThat(read.getLastActivityTime()).as("Azure's 'never' time").startsWith("0001-");
        assertThat(read.getCloudToDeviceMessageCount()).isZero();
        assertThat(read.getScope()).isEqualTo(addedGateway.getScope());
        assertThat(read.getParentScopes()).containsExactly(addedGateway.getScope());

        Device orphan = new Device(run + "-orphan");
        orphan.setScope("ms-azure-iot-edge://nobody-1");
        assertThatThrownBy(() -> registry.addDevice(orphan)).isInstanceOfSatisfying(IotHubBadFormatException.class,
                e -> assertThat(e.getErrorCode()).as("the numeric errorCode of the body").isEqualTo(400028));
        assertThatThrownBy(() -> registry.getDevice(run + "-missing")).isInstanceOfSatisfying(IotHubException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(404001));
    }

    @Test
    void theListTakesTopAsTheJavaClientSendsIt() throws Exception {
        String run = "list-top-" + UUID.randomUUID().toString().substring(0, 6);
        new RegistryClient(listedHub).addDevice(new Device(run));
        HubRest second = new HubRest(listedHub);

        HttpResponse<String> one = second.call("GET", "/devices/?top=1", null);
        HttpResponse<String> all = second.call("GET", "/devices/?top=0", null);

        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(Json.tree(one.body())).hasSize(1);
        assertThat(Json.tree(all.body())).as("top outside 1-1000 means 1000").extracting(d -> d.path("deviceId").asText())
                .contains(run);
    }

    @Test
    void theJavaQueryClientPagesTwinsAndCountsGroups() throws Exception {
        String run = "java-q-" + UUID.randomUUID().toString().substring(0, 6);
        RegistryClient registry = new RegistryClient(connectionString);
        for (int i = 1; i <= 5; i++) {
            registry.addDevice(new Device(run + "-" + i));
            tag(run + "-" + i, "{\"run\":\"" + run + "\",\"kind\":\"" + (i % 2 == 0 ? "even" : "odd") + "\"}");
        }
        QueryClient query = new QueryClient(connectionString);

        TwinQueryResponse twins = query.queryTwins("SELECT * FROM devices WHERE tags.run = '" + run + "'",
                QueryPageOptions.builder().pageSize(2).build());
        List<String> seen = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        while (twins.hasNext()) {
            var twin = twins.next();
            seen.add(twin.getDeviceId());
            assertThat(twin.getTags().get("run")).isEqualTo(run);
            tokens.add(String.valueOf(twins.getContinuationToken()));
        }

        assertThat(seen).containsExactly(run + "-1", run + "-2", run + "-3", run + "-4", run + "-5");
        assertThat(tokens.subList(0, 2)).as("first page of 2 hands out a continuation").doesNotContain("null");
        assertThat(tokens.get(4)).as("no continuation after the last page").isEqualTo("null");

        RawQueryResponse groups = query.queryRaw("SELECT tags.kind AS kind, COUNT() AS n FROM devices"
                + " WHERE tags.run = '" + run + "' GROUP BY tags.kind");
        List<JsonNode> rows = new ArrayList<>();
        while (groups.hasNext()) {
            rows.add(Json.tree(groups.next()));
        }
        assertThat(rows).containsExactlyInAnyOrder(Json.tree("{\"kind\":\"odd\",\"n\":3}"),
                Json.tree("{\"kind\":\"even\",\"n\":2}"));

        RawQueryResponse count = query.queryRaw("SELECT COUNT() AS n FROM devices WHERE tags.run = '" + run
                + "' AND IS_DEFINED(tags.kind) AND STARTSWITH(deviceId, '" + run + "-')");
        assertThat(Json.tree(count.next()).path("n").asInt()).isEqualTo(5);

        assertThatThrownBy(() -> query.queryRaw("SELECT * FROM devices WHERE tags.run =")).isInstanceOfSatisfying(
                IotHubBadFormatException.class, e -> {
                    assertThat(e.getMessage()).contains("position 39");
                    assertThat(e.getErrorCode()).isEqualTo(400004);
                });
    }

    @Test
    void theNodeRegistryBulkWritesListsAndPagesQueriesToTheEnd() throws Exception {
        NODE.install();
        String prefix = "node-q-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode out = NODE.run(List.of("node", "hub-registry-queries.js", listedHub, prefix), 120).lastJson();

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.path("added").path("isSuccessful").asBoolean()).as(out.toString()).isTrue();
        JsonNode again = out.path("addAgain");
        assertThat(again.path("status").asInt()).as(again.toString()).isEqualTo(400);
        assertThat(again.path("body").path("isSuccessful").asBoolean()).isFalse();
        assertThat(again.path("body").path("errors")).hasSize(1);
        assertThat(again.path("body").path("errors").get(0).path("deviceId").asText()).isEqualTo(prefix + "-1");
        assertThat(again.path("body").path("errors").get(0).path("errorCode").asText()).isEqualTo("DeviceAlreadyExists");
        assertThat(out.path("duplicate").path("status").asInt()).isEqualTo(400);
        assertThat(out.path("duplicate").path("body").path("errorCode").asInt()).isEqualTo(400011);

        assertThat(out.path("listedMine")).extracting(JsonNode::asText).containsExactly(prefix + "-1", prefix + "-2",
                prefix + "-3", prefix + "-4", prefix + "-5", prefix + "-6");
        assertThat(out.path("listedFields").path("connectionState").asText()).isEqualTo("Disconnected");
        assertThat(out.path("listedFields").path("lastActivityTime").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(out.path("listedFields").path("cloudToDeviceMessageCount").asInt()).isZero();
        assertThat(out.path("listedFields").path("hasKey").asBoolean()).isTrue();

        assertThat(out.path("twinPages").path("ids")).extracting(JsonNode::asText).containsExactly(prefix + "-1",
                prefix + "-2", prefix + "-3", prefix + "-4", prefix + "-5");
        assertThat(out.path("twinPages").path("pages").asInt()).isEqualTo(3);
        assertThat(out.path("oddPages").path("ids")).extracting(JsonNode::asText).containsExactly(prefix + "-1",
                prefix + "-3", prefix + "-5");
        assertThat(out.path("oddPages").path("pages").asInt()).isEqualTo(1);
        assertThat(out.path("groups")).containsExactlyInAnyOrder(Json.tree("{\"kind\":\"odd\",\"n\":3}"),
                Json.tree("{\"kind\":\"even\",\"n\":2}"));
        assertThat(out.path("badQuery").path("status").asInt()).isEqualTo(400);
        assertThat(out.path("badQuery").path("body").path("Message").asText()).contains("position 28");

        assertThat(out.path("staleUpdate").path("status").asInt()).isEqualTo(400);
        assertThat(out.path("staleUpdate").path("body").path("errors").get(0).path("errorCode").asText())
                .isEqualTo("PreconditionFailed");
        assertThat(out.path("update").path("isSuccessful").asBoolean()).isTrue();
        assertThat(out.path("updatedStatus").asText()).isEqualTo("disabled");
        assertThat(out.path("missing").path("name").asText()).as("Node reads the error name from Message")
                .isEqualTo("DeviceNotFoundError");
        assertThat(out.path("missing").path("message").asText()).isEqualTo("Device " + prefix + "-none not found.");
        assertThat(out.path("removed").path("isSuccessful").asBoolean()).isTrue();
        assertThat(out.path("afterRemove")).containsExactly(Json.tree("{\"n\":0}"));
    }
}
