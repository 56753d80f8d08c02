package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import dev.muster.core.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT Node SDK as a second, independent client: DPS over MQTT and HTTPS, then the hub over MQTT.
 * Its package lives in src/test/node; `npm ci` runs once if node_modules is missing.
 */
class NodeSdkIT {
    private static final Path PACKAGE = Path.of("src", "test", "node").toAbsolutePath();

    @BeforeAll
    static void installPackages() throws Exception {
        boolean required = "true".equals(System.getenv("MUSTER_REQUIRE_NODE"));
        boolean haveNode = run(List.of("node", "--version"), 20).exit == 0;
        if (!haveNode && required) {
            throw new AssertionError("node is not installed but MUSTER_REQUIRE_NODE=true");
        }
        assumeTrue(haveNode, "node is not installed: skipping the Node SDK tests");
        if (!Files.isDirectory(PACKAGE.resolve("node_modules"))) {
            Result r = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(r.exit).as("npm ci: " + r.out).isZero();
        }
    }

    record Result(int exit, String out) {}

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(PACKAGE.toFile()).redirectErrorStream(true);
            pb.environment().put("NODE_EXTRA_CA_CERTS", MusterUnderTest.info().caCertificate());
            File out = Files.createTempFile("node-", ".out").toFile();
            pb.redirectOutput(out);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + Files.readString(out.toPath()));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return new Result(-1, e.toString());
        }
    }

    private static JsonNode register(String id, String key, String transport, boolean twin) {
        Result r = run(List.of("node", "register.js", "localhost", MusterUnderTest.info().idScope(), id, key, transport,
                twin ? "twin" : "no"), 60);
        String line = r.out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        assertThat(line).as(r.out).isNotEqualTo("{}");
        return Json.tree(line);
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
        assertThat(MusterUnderTest.server().hubRegistry().twinJson(MusterUnderTest.hub(), id).orElseThrow()
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

    @Test
    void nodeDeviceWithAWrongKeyGetsAnErrorNotAHang() {
        String id = "node-bad-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode out = register(id, java.util.Base64.getEncoder().encodeToString(new byte[32]), "mqtt", false);
        assertThat(out.path("error").asText()).isNotBlank().isNotEqualTo("timeout");
    }
}
