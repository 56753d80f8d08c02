package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.server.ConnectionInfo;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The operator's side of a hub's built-in events endpoint: its Event Hubs-compatible name and connection string in
 * connection-info.json and {@code muster hub show} (keys masked unless asked for), and its consumer groups through
 * the hub's service API and {@code muster hub consumer-group}.
 */
class HubEventsEndpointIT {
    private final ConnectionInfo.Hub hub = MusterUnderTest.info().hubs().get(0);
    private final HubRest rest = new HubRest(hub.connectionString());

    @Test
    void connectionInfoNamesEachHubsEventHubsCompatibleEndpointWithItsOwnerKey() throws Exception {
        String key = ConnectionString.parse(hub.connectionString()).key();
        assertThat(hub.eventHubsCompatibleName()).isEqualTo(hub.hostName());
        assertThat(hub.eventHubsCompatibleConnectionString()).isEqualTo("Endpoint=sb://" + hub.hostName()
                + "/;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key + ";EntityPath=" + hub.hostName());
        JsonNode file = Json.tree(Files.readString(MusterUnderTest.dataDir().resolve("connection-info.json")));
        for (JsonNode h : file.path("hubs")) {
            assertThat(h.path("eventHubsCompatibleConnectionString").asText())
                    .startsWith("Endpoint=sb://" + h.path("hostName").asText() + "/;")
                    .endsWith(";EntityPath=" + h.path("eventHubsCompatibleName").asText());
        }
    }

    @Test
    void hubShowMasksTheKeysUnlessAskedForThem() {
        String key = ConnectionString.parse(hub.connectionString()).key();

        CliIT.Run masked = CliIT.muster("hub", "show");
        assertThat(masked.exit()).as(masked.err()).isZero();
        assertThat(masked.out()).doesNotContain(key).contains("Endpoint=sb://" + hub.hostName() + "/")
                .contains("SharedAccessKey=****");

        CliIT.Run full = CliIT.muster("hub", "show", "--show-keys", "-o", "json");
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(Json.tree(full.out()).path("eventHubsCompatibleConnectionString").asText())
                .isEqualTo(hub.eventHubsCompatibleConnectionString());
    }

    @Test
    void consumerGroupsAreListedAddedAndRemovedAndDefaultStays() throws Exception {
        String name = "analytics-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/eventHubEndpoints/events/ConsumerGroups";

        assertThat(names(rest.call("GET", path, null))).startsWith("$Default");
        HttpResponse<String> added = rest.call("PUT", path + "/" + name, "{\"properties\":{\"name\":\"" + name + "\"}}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(Json.tree(added.body()).path("name").asText()).isEqualTo(name);
        assertThat(Json.tree(added.body()).path("properties").path("created").asText()).isNotBlank();
        assertThat(rest.call("PUT", path + "/" + name, null).statusCode()).as("again: kept").isEqualTo(200);
        assertThat(names(rest.call("GET", path, null))).contains("$Default", name);
        assertThat(rest.call("GET", path + "/" + name, null).statusCode()).isEqualTo(200);

        assertThat(rest.call("DELETE", path + "/" + name, null).statusCode()).isEqualTo(200);
        HttpResponse<String> gone = rest.call("GET", path + "/" + name, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("iothub-errorcode")).contains("ConsumerGroupNotFound");
        assertThat(rest.call("DELETE", path + "/" + name, null).statusCode()).isEqualTo(404);

        HttpResponse<String> keepDefault = rest.call("DELETE", path + "/%24Default", null);
        assertThat(keepDefault.statusCode()).isEqualTo(400);
        assertThat(Json.tree(keepDefault.body()).path("errorCode").asInt()).isEqualTo(400004);
        for (String bad : List.of("has%20space", "x".repeat(51), "semi%3Bcolon")) {
            HttpResponse<String> refused = rest.call("PUT", path + "/" + bad, null);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(Json.tree(refused.body()).path("errorCode").asInt()).isEqualTo(400004);
        }
        assertThat(names(rest.call("GET", path, null))).doesNotContain(name);
    }

    @Test
    void theConsumerGroupApiTakesOnlyTheHubsOwnPolicy() throws Exception {
        HubRest stranger = new HubRest("HostName=" + hub.hostName()
                + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + dev.muster.core.Ids.symmetricKey());
        assertThat(stranger.call("GET", "/eventHubEndpoints/events/ConsumerGroups", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void theCliAddsListsAndRemovesConsumerGroups() {
        String name = "cli-cg-" + UUID.randomUUID().toString().substring(0, 8);

        CliIT.Run added = CliIT.muster("hub", "consumer-group", "add", name);
        assertThat(added.exit()).as(added.err()).isZero();
        CliIT.Run listed = CliIT.muster("hub", "consumer-group", "list");
        assertThat(listed.exit()).as(listed.err()).isZero();
        assertThat(listed.out()).contains("$Default").contains(name);
        CliIT.Run removed = CliIT.muster("hub", "consumer-group", "remove", name);
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(CliIT.muster("hub", "consumer-group", "list").out()).doesNotContain(name);
        CliIT.Run refused = CliIT.muster("hub", "consumer-group", "remove", "$Default");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("cannot be deleted");
    }

    private static List<String> names(HttpResponse<String> list) {
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        Json.tree(list.body()).path("value").forEach(g -> names.add(g.path("name").asText()));
        return names;
    }
}
