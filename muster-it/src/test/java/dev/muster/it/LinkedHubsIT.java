package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Linking a hub that runs as its own {@code muster hub} (own store, own CA), and hashed allocation across two hubs.
 * The extra hub is linked with applyAllocationPolicy=false so only enrollments naming it (iotHubs) use it.
 */
class LinkedHubsIT {
    private static final String REMOTE = "127.0.20.1";
    private static MusterServer remote;
    private static ConnectionInfo remoteInfo;

    @BeforeAll
    static void startRemoteHub() throws Exception {
        Path dir = Files.createTempDirectory("muster-remote-hub-");
        remote = new MusterServer(ServerConfig.builder(dir).metrics("127.0.0.1", 0).hubOnly(true).hubHosts(List.of(REMOTE)).databasePoolSize(4)
                .workerPoolSize(8).hubClientMode(ServerConfig.HubClientMode.REST).build());
        remoteInfo = remote.start();
        assertThat(remoteInfo.idScope()).as("a hub alone has no provisioning instance").isNull();
        Path trusted = MusterUnderTest.dataDir().resolve("tls").resolve("trusted");
        Files.createDirectories(trusted);
        Files.copy(Path.of(remoteInfo.caCertificate()), trusted.resolve("remote-hub.pem"));
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceApiIT.raw("DELETE", "/linkedHubs/" + REMOTE, null);
        remote.close();
    }

    private static String link(int weight) {
        return "{\"connectionString\":\"" + remoteInfo.hubs().get(0).connectionString() + "\",\"allocationWeight\":"
                + weight + ",\"applyAllocationPolicy\":false}";
    }

    @Test
    void linkListUpdateAndUnlinkWithHealth() throws Exception {
        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, link(1));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("SharedAccessKey=");
        JsonNode list = Json.tree(ServiceApiIT.raw("GET", "/linkedHubs", null).body());
        JsonNode mine = null;
        for (JsonNode h : list) {
            if (h.path("hostName").asText().equals(REMOTE)) {
                mine = h;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("health").path("status").asText()).isEqualTo("healthy");
        assertThat(mine.path("health").has("deviceCount")).isTrue();

        String wrongKey = "{\"connectionString\":\"HostName=" + REMOTE + ";SharedAccessKeyName=iothubowner;SharedAccessKey="
                + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\"}";
        HttpResponse<String> refused = ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, wrongKey);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("unauthorized");
        HttpResponse<String> device = ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE,
                "{\"connectionString\":\"HostName=x.y;DeviceId=d;SharedAccessKey=AAAA\"}");
        assertThat(device.statusCode()).isEqualTo(400);
        assertThat(ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, "{\"allocationWeight\":-1}").statusCode()).isEqualTo(400);

        HttpResponse<String> updated = ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, "{\"allocationWeight\":5}");
        assertThat(Json.tree(updated.body()).path("allocationWeight").asInt()).isEqualTo(5);
        assertThat(ServiceApiIT.raw("DELETE", "/linkedHubs/" + REMOTE, null).statusCode()).isEqualTo(204);
        assertThat(ServiceApiIT.raw("DELETE", "/linkedHubs/" + REMOTE, null).statusCode()).isEqualTo(404);
    }

    @Test
    void hashedAllocationFollowsWeightsIsStableAndMovesFewDevicesOnAWeightChange() throws Exception {
        assertThat(ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, link(1)).statusCode()).isEqualTo(200);
        String local = MusterUnderTest.hub();
        String group = "alloc-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> g = ServiceApiIT.raw("PUT", "/enrollmentGroups/" + group, "{\"attestation\":{\"type\":"
                + "\"symmetricKey\"},\"iotHubs\":[\"" + local + "\",\"" + REMOTE + "\"]}");
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        String groupKey = Json.tree(g.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();

        int n = 1000;
        Map<String, String> first = new HashMap<>();
        RawDevice device = new RawDevice();
        String scope = MusterUnderTest.info().idScope();
        for (int i = 0; i < n; i++) {
            String id = group + "-" + i;
            first.put(id, assignedHub(device, scope, id, dev.muster.core.sas.DerivedKey.of(groupKey, id)));
        }
        long onRemote = first.values().stream().filter(REMOTE::equals).count();
        System.out.printf("hashed 1:1 over %d devices: %s=%d, %s=%d%n", n, local, n - onRemote, REMOTE, onRemote);
        assertThat(onRemote).isBetween((long) (n * 0.45), (long) (n * 0.55));

        for (int i = 0; i < 50; i++) {
            String id = group + "-" + i;
            assertThat(assignedHub(device, scope, id, dev.muster.core.sas.DerivedKey.of(groupKey, id)))
                    .as("re-registration keeps the hub").isEqualTo(first.get(id));
        }

        assertThat(ServiceApiIT.raw("PUT", "/linkedHubs/" + REMOTE, "{\"allocationWeight\":3}").statusCode()).isEqualTo(200);
        int moved = 0;
        int movedAwayFromRemote = 0;
        for (int i = 0; i < n; i++) {
            String id = group + "-" + i;
            String now = assignedHub(device, scope, id, dev.muster.core.sas.DerivedKey.of(groupKey, id));
            if (!now.equals(first.get(id))) {
                moved++;
                if (first.get(id).equals(REMOTE)) {
                    movedAwayFromRemote++;
                }
            }
        }
        long nowOnRemote = onRemote + moved;
        System.out.printf("weight 1 -> 3 on %s: %d of %d devices moved (ideal 25%%), %d now on it%n", REMOTE, moved, n,
                nowOnRemote);
        assertThat(movedAwayFromRemote).as("devices only move towards the hub whose weight grew").isZero();
        assertThat(nowOnRemote).isBetween((long) (n * 0.70), (long) (n * 0.80));
    }

    private static String assignedHub(RawDevice device, String scope, String id, String key) throws Exception {
        HttpResponse<String> r = device.register(scope, id, RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour()),
                "{\"registrationId\":\"" + id + "\"}");
        JsonNode b = Json.tree(r.body());
        assertThat(b.path("status").asText()).as(r.body()).isEqualTo("assigned");
        return b.path("registrationState").path("assignedHub").asText();
    }
}
