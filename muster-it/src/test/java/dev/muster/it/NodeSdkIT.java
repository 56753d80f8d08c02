package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT Node SDK as a second, independent client: DPS over MQTT and HTTPS, then the hub over MQTT.
 * Its package lives in src/test/node; `npm ci` runs once if node_modules is missing.
 */
class NodeSdkIT {
    private static final NodePackage PACKAGE = new NodePackage("node");

    @BeforeAll
    static void installPackages() {
        PACKAGE.install();
    }

    private static JsonNode register(String id, String key, String transport, boolean twin) {
        return PACKAGE.run(List.of("node", "register.js", "localhost", MusterUnderTest.info().idScope(), id, key,
                transport, twin ? "twin" : "no"), 60).lastJson();
    }

    @Test
    void nodeDeviceProvisionsOverMqttAndReadsItsTwinFromTheHub() throws Exception {
        String id = "node-mqtt-" + UUID.randomUUID().toString().substring(0, 6);
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        desired.put("from", "muster");
        e.setInitialTwin(new TwinState(null, desired));
        String key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(e)
                .getAttestation()).getPrimaryKey();
        JsonNode out = register(id, key, "mqtt", true);
        assertThat(out.path("error").isMissingNode()).as(out.toString()).isTrue();
        assertThat(out.path("status").asText()).isEqualTo("assigned");
        assertThat(out.path("assignedHub").asText()).isEqualTo(MusterUnderTest.hub());
        assertThat(out.path("desired").path("from").asText()).as(out.toString()).isEqualTo("muster");
        assertThat(out.path("reported").asBoolean()).isTrue();
        assertThat(MusterUnderTest.server().builtInHub().twins().twinJson(MusterUnderTest.hub(), id).orElseThrow()
                .path("properties").path("reported").path("sdk").asText()).isEqualTo("node");
    }

    @Test
    void nodeGroupDeviceProvisionsOverHttps() throws Exception {
        String group = "node-grp-" + UUID.randomUUID().toString().substring(0, 6);
        String groupKey = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateEnrollmentGroup(
                new EnrollmentGroup(group, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        String id = group + "-n1";
        JsonNode out = register(id, Devices.derivedKey(groupKey, id), "http", false);
        assertThat(out.path("status").asText()).as(out.toString()).isEqualTo("assigned");
        assertThat(out.path("deviceId").asText()).isEqualTo(id);
    }

    /**
     * The Node AMQP transport sends its requests with a correlation-id and ignores answers that do not echo it;
     * over TLS on 5671 and over WebSockets on 443.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"amqp", "amqpws"})
    void nodeDeviceProvisionsOverAmqp(String transport) throws Exception {
        String id = "node-" + transport + "-" + UUID.randomUUID().toString().substring(0, 6);
        String key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        JsonNode out = register(id, key, transport, false);
        assertThat(out.path("status").asText()).as(out.toString()).isEqualTo("assigned");
        assertThat(out.path("assignedHub").asText()).isEqualTo(MusterUnderTest.hub());
    }

    @Test
    void nodeDeviceWithAWrongKeyGetsAnErrorNotAHang() {
        String id = "node-bad-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode out = register(id, java.util.Base64.getEncoder().encodeToString(new byte[32]), "mqtt", false);
        assertThat(out.path("error").asText()).isNotBlank().isNotEqualTo("timeout");
    }
}
