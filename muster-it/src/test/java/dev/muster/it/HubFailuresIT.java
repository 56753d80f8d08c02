package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.DerivedKey;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What a device sees when its hub is down, and what many simultaneous registrations of one device leave behind. */
class HubFailuresIT {

    @Test
    void aHubThatIsDownFailsTheRegistrationCleanlyAndTheOperatorSeesWhy() throws Exception {
        String host = "127.0.20.2";
        Path dir = Files.createTempDirectory("muster-down-hub-");
        MusterServer hub = new MusterServer(ServerConfig.builder(dir).metrics("127.0.0.1", 0).hubOnly(true).hubHosts(List.of(host))
                .databasePoolSize(4).workerPoolSize(8).hubClientMode(ServerConfig.HubClientMode.REST).build());
        ConnectionInfo info = hub.start();
        Path trusted = MusterUnderTest.dataDir().resolve("tls").resolve("trusted");
        Files.createDirectories(trusted);
        Files.copy(Path.of(info.caCertificate()), trusted.resolve("down-hub.pem"));
        try {
            HttpResponse<String> linked = ServiceApiIT.raw("PUT", "/linkedHubs/" + host, "{\"connectionString\":\""
                    + info.hubs().get(0).connectionString() + "\",\"applyAllocationPolicy\":false}");
            assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
            String id = "down-" + UUID.randomUUID().toString().substring(0, 6);
            HttpResponse<String> e = ServiceApiIT.raw("PUT", "/enrollments/" + id,
                    "{\"attestation\":{\"type\":\"symmetricKey\"},\"iotHubs\":[\"" + host + "\"]}");
            String key = Json.tree(e.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();
            hub.close();

            RawDevice device = new RawDevice();
            String scope = MusterUnderTest.info().idScope();
            long start = System.nanoTime();
            HttpResponse<String> r = device.register(scope, id, RawDevice.javaStyleToken(scope, id, key,
                    RawDevice.inAnHour()), null);
            long millis = (System.nanoTime() - start) / 1_000_000;
            JsonNode body = Json.tree(r.body());
            assertThat(body.path("status").asText()).as(r.body()).isEqualTo("failed");
            assertThat(body.path("registrationState").path("errorCode").asInt()).isEqualTo(500201);
            assertThat(body.path("registrationState").path("errorMessage").asText()).contains(host);
            assertThat(millis).as("fails fast, no hang").isLessThan(15_000);
            assertThat(ServiceApiIT.raw("GET", "/registrations/" + id, null).statusCode())
                    .as("no registration record is left").isEqualTo(404);
            JsonNode attempts = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + id + "/attempts", null).body());
            assertThat(attempts.get(0).path("reason").asText()).contains("hub " + host).contains("unreachable");

            JsonNode list = Json.tree(ServiceApiIT.raw("GET", "/linkedHubs/" + host, null).body());
            assertThat(list.path("health").path("status").asText()).isEqualTo("unreachable");
        } finally {
            hub.close();
            ServiceApiIT.raw("DELETE", "/linkedHubs/" + host, null);
        }
    }

    @Test
    void simultaneousRegistrationsOfOneDeviceEndInOneAssignment() throws Exception {
        String group = "race-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> g = ServiceApiIT.raw("PUT", "/enrollmentGroups/" + group,
                "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        String groupKey = Json.tree(g.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();
        String id = group + "-dev";
        String key = DerivedKey.of(groupKey, id);
        String scope = MusterUnderTest.info().idScope();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<JsonNode> call = () -> Json.tree(new RawDevice().register(scope, id,
                        RawDevice.javaStyleToken(scope, id, key, RawDevice.inAnHour()), null).body());
                results.add(pool.submit(call));
            }
            Set<String> hubs = new HashSet<>();
            Set<String> created = new HashSet<>();
            for (Future<JsonNode> f : results) {
                JsonNode r = f.get();
                assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("assigned");
                hubs.add(r.path("registrationState").path("assignedHub").asText()
                        + "/" + r.path("registrationState").path("deviceId").asText());
                created.add(r.path("registrationState").path("createdDateTimeUtc").asText());
            }
            assertThat(hubs).hasSize(1);
            assertThat(created).as("one registration record, created once").hasSize(1);
            JsonNode record = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + id, null).body());
            assertThat(record.path("createdDateTimeUtc").asText()).isEqualTo(created.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }
}
