package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import dev.muster.cli.TpmToolsDevice;
import dev.muster.core.Json;
import dev.muster.core.tpm.SoftwareTpm;
import dev.muster.core.tpm.TpmRegistrationId;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TPM attestation end to end with a software TPM as the device (reference §6, tpm-testing.md): the CLI's
 * `device register --tpm` plays the Azure SDK device, then the device signs its hub token with the TPM.
 */
class TpmProvisioningIT {

    @BeforeEach
    void requireSoftwareTpm() {
        SoftwareTpm.assumeInstalled();
    }

    private static String enroll(String registrationId, byte[] ek, String status) throws Exception {
        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/enrollments/" + registrationId, "{\"attestation\":{\"type\":\"tpm\","
                + "\"tpm\":{\"endorsementKey\":\"" + Base64.getEncoder().encodeToString(ek) + "\"}},"
                + "\"provisioningStatus\":\"" + status + "\","
                + "\"initialTwin\":{\"properties\":{\"desired\":{\"attested\":\"tpm\"}}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("challenge");
        return registrationId;
    }

    @Test
    void aSoftwareTpmProvisionsThroughTheCliAndSignsItsHubTokens() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            String registrationId = TpmRegistrationId.of(keys.ek());
            // Enrolled through the official Java service SDK.
            var enrollment = new com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment(
                    registrationId, new com.microsoft.azure.sdk.iot.provisioning.service.configs.TpmAttestation(
                            Base64.getEncoder().encodeToString(keys.ek())));
            var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
            desired.put("attested", "tpm");
            enrollment.setInitialTwin(new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState(null, desired));
            ServiceClients.dps().createOrUpdateIndividualEnrollment(enrollment);

            CliIT.Run run = CliIT.muster("device", "register", "--tpm", "--tcti", tpm.tcti(), "-o", "json");
            assertThat(run.exit()).as(run.err() + run.out()).isZero();
            JsonNode result = Json.tree(run.out());
            assertThat(result.path("status").asText()).isEqualTo("assigned");
            JsonNode state = result.path("registrationState");
            assertThat(state.path("registrationId").asText()).isEqualTo(registrationId);
            assertThat(state.path("tpm").path("authenticationKey").asText()).isNotBlank();
            String hub = state.path("assignedHub").asText();
            String deviceId = state.path("deviceId").asText();

            // The hub identity's key is the one inside the final blob: the TPM's HMAC verifies at the hub.
            TpmToolsDevice device = tpm.device();
            DeviceClient client = new DeviceClient(hub, deviceId, () -> tpmHubToken(device, hub, deviceId),
                    IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
            try {
                client.open(false);
                client.subscribeToDesiredProperties((t, c) -> { }, null);
                Twin twin = TwinReads.get(client);
                assertThat(twin.getDesiredProperties().get("attested")).isEqualTo("tpm");
            } finally {
                client.close();
            }

            JsonNode record = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + registrationId, null).body());
            assertThat(record.path("assignedHub").asText()).isEqualTo(hub);
            assertThat(record.toString()).as("the service API never shows key material").doesNotContain("authenticationKey");

            // Re-registration: a new challenge, the same hub identity.
            CliIT.Run again = CliIT.muster("device", "register", registrationId, "--tpm", "--tcti", tpm.tcti(), "-o", "json");
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(Json.tree(again.out()).path("registrationState").path("deviceId").asText()).isEqualTo(deviceId);
        }
    }

    @Test
    void anImpostorTpmCannotOpenTheChallengeAndAForeignEkIsRefused() throws Exception {
        try (SoftwareTpm device = SoftwareTpm.start(); SoftwareTpm impostor = SoftwareTpm.start()) {
            SoftwareTpm.Keys real = device.createEkAndSrk();
            SoftwareTpm.Keys fake = impostor.createEkAndSrk();
            String registrationId = enroll(TpmRegistrationId.of(real.ek()), real.ek(), "enabled");
            RawDevice raw = new RawDevice();
            String scope = MusterUnderTest.info().idScope();

            // The impostor claims the enrolled EK with its own SRK: it gets a blob but its TPM cannot open it.
            HttpResponse<String> challenge = raw.register(scope, registrationId, null, body(registrationId, real.ek(), fake.srk()));
            assertThat(challenge.statusCode()).isEqualTo(401);
            JsonNode c = Json.tree(challenge.body());
            assertThat(c.has("status")).as("no status in a TPM challenge").isFalse();
            assertThat(c.path("keyName").asText()).isEqualTo("registration");
            byte[] blob = Base64.getDecoder().decode(c.path("authenticationKey").asText());
            assertThatThrownBy(() -> impostor.activate(blob)).isInstanceOf(TpmToolsDevice.ToolFailure.class);

            // Its own EK is not the enrolled one: refused outright, and the operator learns why.
            HttpResponse<String> foreign = raw.register(scope, registrationId, null, body(registrationId, fake.ek(), fake.srk()));
            assertThat(foreign.statusCode()).isEqualTo(401);
            assertThat(Json.tree(foreign.body()).has("authenticationKey")).isFalse();
            JsonNode attempts = Json.tree(ServiceApiIT.raw("GET", "/registrations/" + registrationId + "/attempts", null).body());
            assertThat(attempts.toString()).contains("endorsement key that is not the enrolled one");

            // A tampered blob is refused by the genuine TPM.
            HttpResponse<String> genuine = raw.register(scope, registrationId, null, body(registrationId, real.ek(), real.srk()));
            byte[] tampered = Base64.getDecoder().decode(Json.tree(genuine.body()).path("authenticationKey").asText());
            tampered[tampered.length / 2] ^= 0x01;
            assertThatThrownBy(() -> device.activate(tampered)).isInstanceOf(TpmToolsDevice.ToolFailure.class);

            // A token not signed by the challenge key is refused.
            String forged = RawDevice.javaStyleToken(scope, registrationId, Base64.getEncoder().encodeToString(new byte[32]),
                    RawDevice.inAnHour());
            assertThat(raw.register(scope, registrationId, forged, body(registrationId, real.ek(), real.srk())).statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void measuresTheServerCostOfOneChallenge() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            String registrationId = enroll(TpmRegistrationId.of(keys.ek()), keys.ek(), "enabled");
            RawDevice raw = new RawDevice();
            String scope = MusterUnderTest.info().idScope();
            String body = body(registrationId, keys.ek(), keys.srk());
            for (int i = 0; i < 50; i++) {
                raw.register(scope, registrationId, null, body);
            }
            int n = 200;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                assertThat(raw.register(scope, registrationId, null, body).statusCode()).isEqualTo(401);
            }
            double ms = (System.nanoTime() - start) / 1e6 / n;
            System.out.printf("TPM challenge: %.2f ms per request over HTTPS (keep-alive), %d requests%n", ms, n);
        }
    }

    @Test
    void aDisabledTpmEnrollmentGetsStatusDisabledAfterTheChallenge() throws Exception {
        try (SoftwareTpm tpm = SoftwareTpm.start()) {
            SoftwareTpm.Keys keys = tpm.createEkAndSrk();
            String registrationId = enroll(TpmRegistrationId.of(keys.ek()), keys.ek(), "disabled");
            CliIT.Run run = CliIT.muster("device", "register", "--tpm", "--tcti", tpm.tcti(), "-o", "json");
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(6);
            assertThat(run.out()).as(run.err()).contains("\"status\" : \"disabled\"");
            assertThat(ServiceApiIT.raw("GET", "/registrations/" + registrationId, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void anEccEndorsementKeyIsRefusedWithAClear400() throws Exception {
        String ecc = "AHoAIwALAAMAsgAgg3GXZ0SEs/gakMyNRqXXJP1S124GUgtk8qHaGzMUaaoABgCAAEMAEAADABAAIOYOm1JrQEe/+1TcShVLx8iV2MJFMgEypY7UIeldpbMYACC1/D6B5+O6jddmiLTi7caNp4uIsG65GQ1FREPRcNPJQw==";
        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/enrollments/ecc-device", "{\"attestation\":{\"type\":\"tpm\","
                + "\"tpm\":{\"endorsementKey\":\"" + ecc + "\"}}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("ECC endorsement keys are not supported");
    }

    private static String body(String registrationId, byte[] ek, byte[] srk) {
        return "{\"registrationId\":\"" + registrationId + "\",\"tpm\":{\"endorsementKey\":\""
                + Base64.getEncoder().encodeToString(ek) + "\",\"storageRootKey\":\""
                + Base64.getEncoder().encodeToString(srk) + "\"}}";
    }

    /** A hub SAS token signed inside the TPM, as the Azure SDK's TPM provider does. */
    private static char[] tpmHubToken(TpmToolsDevice device, String hub, String deviceId) {
        String sr = hub + "/devices/" + deviceId;
        long se = Instant.now().getEpochSecond() + 3600;
        byte[] sig = device.hmac((sr + "\n" + se).getBytes(StandardCharsets.UTF_8));
        return ("SharedAccessSignature sr=" + sr + "&sig=" + URLEncoder.encode(Base64.getEncoder().encodeToString(sig),
                StandardCharsets.UTF_8) + "&se=" + se).toCharArray();
    }
}
