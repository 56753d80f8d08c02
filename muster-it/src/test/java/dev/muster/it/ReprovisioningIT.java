package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientSubstatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import dev.muster.core.Json;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every reprovisioning path with an Azure Java SDK device moving between two real hubs (the built-in hub and a
 * standalone {@code muster hub}), checking substatus, where the device lives, and its twin in each hub.
 */
class ReprovisioningIT {
    private static final String OTHER = "127.0.20.3";
    private static MusterServer other;
    private static ConnectionInfo otherInfo;
    private static HubRest otherRest;
    private static HubRest localRest;

    @BeforeAll
    static void startOtherHub() throws Exception {
        Path dir = Files.createTempDirectory("muster-reprov-hub-");
        other = new MusterServer(ServerConfig.builder(dir).metrics("127.0.0.1", 0).hubOnly(true).hubHosts(List.of(OTHER)).databasePoolSize(4)
                .workerPoolSize(8).hubClientMode(ServerConfig.HubClientMode.REST).build());
        otherInfo = other.start();
        Path trusted = MusterUnderTest.dataDir().resolve("tls").resolve("trusted");
        Files.createDirectories(trusted);
        Files.copy(Path.of(otherInfo.caCertificate()), trusted.resolve("reprov-hub.pem"));
        HttpResponse<String> linked = ServiceApiIT.raw("PUT", "/linkedHubs/" + OTHER, "{\"connectionString\":\""
                + otherInfo.hubs().get(0).connectionString() + "\",\"applyAllocationPolicy\":false}");
        assertThat(linked.statusCode()).as(linked.body()).isEqualTo(200);
        otherRest = new HubRest(otherInfo.hubs().get(0).connectionString(),
                dev.muster.server.tls.TrustContexts.trusting(Path.of(otherInfo.caCertificate())));
        localRest = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());
    }

    @AfterAll
    static void stop() throws Exception {
        ServiceApiIT.raw("DELETE", "/linkedHubs/" + OTHER, null);
        other.close();
    }

    private static String enrollment(String id, String hub, boolean update, boolean migrate, String key) {
        return "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + key + "\",\"secondaryKey\":\""
                + key + "\"}},\"iotHubs\":[\"" + hub + "\"],\"reprovisionPolicy\":{\"updateHubAssignment\":" + update
                + ",\"migrateDeviceData\":" + migrate + "},\"initialTwin\":{\"tags\":{\"batch\":\"A\"},"
                + "\"properties\":{\"desired\":{\"mode\":\"initial\"}}}}";
    }

    private static Devices.Outcome register(String id, String key) throws Exception {
        Devices.Outcome o = Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(o.error()).isNull();
        return o;
    }

    private static JsonNode twin(HubRest hub, String id) throws Exception {
        HttpResponse<String> r = hub.call("GET", "/twins/" + id, null);
        return r.statusCode() == 200 ? Json.tree(r.body()) : null;
    }

    @Test
    void migrateResetReturnAndStay() throws Exception {
        String id = "reprov-" + UUID.randomUUID().toString().substring(0, 6);
        String key = java.util.Base64.getEncoder().encodeToString(dev.muster.core.Ids.randomBytes(32));
        String local = MusterUnderTest.hub();
        assertThat(ServiceApiIT.raw("PUT", "/enrollments/" + id, enrollment(id, local, true, true, key)).statusCode())
                .isEqualTo(200);
        Devices.Outcome first = register(id, key);
        assertThat(first.result().getIothubUri()).isEqualTo(local);
        assertThat(first.result().getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.INITIAL_ASSIGNMENT);
        // The operator changes the device's twin in its first hub.
        localRest.patchTwin(id, "{\"tags\":{\"room\":\"7\"},\"properties\":{\"desired\":{\"mode\":\"tuned\"}}}");

        // 1. Move with migration: tags and desired follow the device; the old hub forgets it.
        ServiceApiIT.raw("PUT", "/enrollments/" + id, enrollment(id, OTHER, true, true, key));
        Devices.Outcome migrated = register(id, key);
        assertThat(migrated.result().getIothubUri()).isEqualTo(OTHER);
        assertThat(migrated.result().getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_MIGRATED);
        JsonNode moved = twin(otherRest, id);
        assertThat(moved.path("tags").path("room").asText()).isEqualTo("7");
        assertThat(moved.path("properties").path("desired").path("mode").asText()).isEqualTo("tuned");
        assertThat(twin(localRest, id)).as("removed from the old hub").isNull();

        // 2. Back to the first hub without migration: the initial twin again; as on Azure that is a reset, whichever
        // hub it lands on.
        ServiceApiIT.raw("PUT", "/enrollments/" + id, enrollment(id, local, true, false, key));
        Devices.Outcome back = register(id, key);
        assertThat(back.result().getIothubUri()).isEqualTo(local);
        assertThat(back.result().getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_RESET);
        JsonNode reset = twin(localRest, id);
        assertThat(reset.path("properties").path("desired").path("mode").asText()).isEqualTo("initial");
        assertThat(reset.path("tags").has("room")).isFalse();
        assertThat(twin(otherRest, id)).isNull();

        // 3. Reset onto the other hub.
        ServiceApiIT.raw("PUT", "/enrollments/" + id, enrollment(id, OTHER, true, false, key));
        Devices.Outcome resetMove = register(id, key);
        assertThat(resetMove.result().getIothubUri()).isEqualTo(OTHER);
        assertThat(resetMove.result().getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_RESET);

        // 4. updateHubAssignment=false: the device stays where it is even though the enrollment names another hub.
        ServiceApiIT.raw("PUT", "/enrollments/" + id, enrollment(id, local, false, true, key));
        Devices.Outcome stays = register(id, key);
        assertThat(stays.result().getIothubUri()).isEqualTo(OTHER);
        assertThat(stays.result().getSubstatus()).isEqualTo(ProvisioningDeviceClientSubstatus.DEVICE_DATA_RESET);
        assertThat(twin(localRest, id)).isNull();
    }
}
