package dev.muster.it;

import static dev.muster.it.ServiceRest.call;
import static dev.muster.it.ServiceRest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two tenants on the server's shared built-in hubs, with the official SDKs: the same registration ID enrolled in
 * both never hands one tenant's hub device (keys, twin, connection) to the other — on first registration,
 * re-registration, reprovisioning with and without migration, and after the owner deletes its record.
 */
class SharedHubTenancyIT {
    private static Tenants.Tenant a;
    private static Tenants.Tenant b;
    private static String hub1;
    private static String hub2;
    private static HubRest hub1Rest;
    private static HubRest hub2Rest;

    @BeforeAll
    static void tenants() throws Exception {
        a = Tenants.create(Tenants.unique("shared-a"), "{}");
        b = Tenants.create(Tenants.unique("shared-b"), "{}");
        List<dev.muster.server.ConnectionInfo.Hub> hubs = MusterUnderTest.info().hubs();
        assertThat(hubs).as("the server under test has two built-in hubs").hasSizeGreaterThanOrEqualTo(2);
        hub1 = hubs.get(0).hostName();
        hub2 = hubs.get(1).hostName();
        hub1Rest = new HubRest(hubs.get(0).connectionString());
        hub2Rest = new HubRest(hubs.get(1).connectionString());
    }

    private static String enrollment(String key, String hub, boolean update, boolean migrate, String tags,
                                     String desired) {
        return "{\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":{\"primaryKey\":\"" + key
                + "\",\"secondaryKey\":\"" + key + "\"}},\"iotHubs\":[\"" + hub + "\"],\"reprovisionPolicy\":"
                + "{\"updateHubAssignment\":" + update + ",\"migrateDeviceData\":" + migrate + "},\"initialTwin\":"
                + "{\"tags\":" + tags + ",\"properties\":{\"desired\":" + desired + "}}}";
    }

    private static void enroll(Tenants.Tenant t, String id, String body) throws Exception {
        HttpResponse<String> r = call(t.connectionString(), "PUT", "/enrollments/" + id, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static ProvisioningDeviceClientStatus register(Tenants.Tenant t, String id, String key,
                                                           ProvisioningDeviceClientTransportProtocol protocol)
            throws Exception {
        Devices.Outcome o = Devices.register(t.idScope(), id, key, protocol, null);
        return o.result() == null ? null : o.result().getProvisioningDeviceClientStatus();
    }

    private static JsonNode twin(HubRest hub, String id) throws Exception {
        HttpResponse<String> r = hub.call("GET", "/twins/" + id, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    /**
     * The device's own view: it connects with its key and reads its desired properties. A second try with a fresh
     * connection: the Java device SDK now and then never sends a twin GET queued before its subscription settled.
     */
    private static String desiredSeenByDevice(String hub, String id, String key) throws Exception {
        for (int attempt = 1; ; attempt++) {
            DeviceClient device = Devices.hubClient(hub, id, key, IotHubClientProtocol.MQTT);
            try {
                device.open(false);
                device.subscribeToDesiredProperties((update, context) -> { }, null);
                Twin t = device.getTwin(15_000);
                return t.getDesiredProperties().toString();
            } catch (com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException e) {
                if (attempt == 2 || !String.valueOf(e.getMessage()).contains("Timed out")) {
                    throw e;
                }
            } finally {
                device.close();
            }
        }
    }

    private static void assertCannotConnect(String hub, String id, String key) {
        DeviceClient device = Devices.hubClient(hub, id, key, IotHubClientProtocol.MQTT);
        try {
            assertThatThrownBy(() -> device.open(false)).isNotNull();
        } finally {
            device.close();
        }
    }

    private static String lastFailure(Tenants.Tenant t, String id) throws Exception {
        HttpResponse<String> r = call(t.connectionString(), "GET", "/registrations/" + id + "/attempts", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void theSecondTenantsRegistrationIsRefusedAndTheFirstTenantsDeviceKeepsItsKeysTwinAndConnection()
            throws Exception {
        String id = Tenants.unique("same-id");
        String keyA = Ids.symmetricKey();
        String keyB = Ids.symmetricKey();
        enroll(a, id, enrollment(keyA, hub1, true, true, "{\"site\":\"a\"}", "{\"secret\":\"a-only\"}"));
        assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        enroll(b, id, enrollment(keyB, hub1, true, true, "{\"site\":\"b\"}", "{}"));

        for (ProvisioningDeviceClientTransportProtocol p : List.of(ProvisioningDeviceClientTransportProtocol.MQTT,
                ProvisioningDeviceClientTransportProtocol.HTTPS, ProvisioningDeviceClientTransportProtocol.AMQPS)) {
            assertThat(register(b, id, keyB, p)).as(p.name())
                    .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        }

        assertCannotConnect(hub1, id, keyB);
        assertThat(desiredSeenByDevice(hub1, id, keyA)).contains("a-only");
        assertThat(twin(hub1Rest, id).path("tags").path("site").asText()).isEqualTo("a");
        assertThat(call(b.connectionString(), "GET", "/registrations/" + id, null).statusCode()).isEqualTo(404);
        assertThat(lastFailure(b, id)).contains("belongs to another provisioning service instance")
                .doesNotContain(a.name()).doesNotContain(a.idScope());
        // the owner re-registers (re-registration on the same hub) as before
        assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.MQTT))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(desiredSeenByDevice(hub1, id, keyA)).contains("a-only");
    }

    @Test
    void reprovisioningOrMigratingIntoTheOtherTenantsDeviceIsRefusedEvenAfterItsOwnerDeletedItsRecord()
            throws Exception {
        String id = Tenants.unique("moving");
        String keyA = Ids.symmetricKey();
        String keyB = Ids.symmetricKey();
        // the same ID lives in two hubs, one device per tenant: that is allowed
        enroll(a, id, enrollment(keyA, hub1, true, true, "{\"owner\":\"a\"}", "{\"secret\":\"a-only\"}"));
        enroll(b, id, enrollment(keyB, hub2, true, true, "{\"owner\":\"b\"}", "{\"secret\":\"b-only\"}"));
        assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(register(b, id, keyB, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);

        for (boolean migrate : new boolean[] {true, false}) {
            enroll(a, id, enrollment(keyA, hub2, true, migrate, "{\"owner\":\"a\"}", "{\"secret\":\"a-only\"}"));
            assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.MQTT)).as("migrate " + migrate)
                    .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        }

        assertThat(twin(hub2Rest, id).path("tags").path("owner").asText()).isEqualTo("b");
        assertThat(desiredSeenByDevice(hub2, id, keyB)).contains("b-only").doesNotContain("a-only");
        assertThat(desiredSeenByDevice(hub1, id, keyA)).contains("a-only");
        JsonNode recordA = json(call(a.connectionString(), "GET", "/registrations/" + id, null));
        assertThat(recordA.path("assignedHub").asText()).isEqualTo(hub1);

        // As on Azure, deleting a record and its enrollment leaves the hub device, and it stays B's.
        assertThat(call(b.connectionString(), "DELETE", "/registrations/" + id, null).statusCode()).isEqualTo(204);
        assertThat(call(b.connectionString(), "DELETE", "/enrollments/" + id, null).statusCode()).isEqualTo(204);
        assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(desiredSeenByDevice(hub2, id, keyB)).contains("b-only");
    }

    @Test
    void aDeviceItsTenantMovedAwayFreesItsIdInTheOldHub() throws Exception {
        String id = Tenants.unique("freed");
        String keyA = Ids.symmetricKey();
        String keyB = Ids.symmetricKey();
        enroll(a, id, enrollment(keyA, hub1, true, false, "{}", "{}"));
        register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.HTTPS);
        enroll(a, id, enrollment(keyA, hub2, true, false, "{}", "{}"));
        assertThat(register(a, id, keyA, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(hub1Rest.call("GET", "/devices/" + id, null).statusCode()).isEqualTo(404);

        enroll(b, id, enrollment(keyB, hub1, true, false, "{\"owner\":\"b\"}", "{}"));
        assertThat(register(b, id, keyB, ProvisioningDeviceClientTransportProtocol.HTTPS))
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(desiredSeenByDevice(hub1, id, keyB)).isNotNull();
        assertThat(desiredSeenByDevice(hub2, id, keyA)).isNotNull();
    }
}
