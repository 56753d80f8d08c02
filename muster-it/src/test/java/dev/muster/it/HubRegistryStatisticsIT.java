package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code GET /statistics/devices} answers IoT Hub's RegistryStatistics: total, enabled and disabled counts. */
class HubRegistryStatisticsIT {
    private final HubRest hub = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());

    private JsonNode statistics() throws Exception {
        HttpResponse<String> r = hub.call("GET", "/statistics/devices", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    private void put(String id, String status) throws Exception {
        HttpResponse<String> r = hub.call("PUT", "/devices/" + id, "{\"deviceId\":\"" + id + "\",\"status\":\""
                + status + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void enabledAndDisabledDevicesAreCountedApartAndAddUpToTheTotal() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        JsonNode before = statistics();
        put("stats-on-" + run, "enabled");
        put("stats-off-" + run, "disabled");
        put("stats-later-" + run, "enabled");
        put("stats-later-" + run, "disabled");

        JsonNode after = statistics();

        assertThat(after.path("totalDeviceCount").asLong() - before.path("totalDeviceCount").asLong()).isEqualTo(3);
        assertThat(after.path("disabledDeviceCount").asLong() - before.path("disabledDeviceCount").asLong())
                .isEqualTo(2);
        assertThat(after.path("enabledDeviceCount").asLong() + after.path("disabledDeviceCount").asLong())
                .isEqualTo(after.path("totalDeviceCount").asLong());
    }
}
