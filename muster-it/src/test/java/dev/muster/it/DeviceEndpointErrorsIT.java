package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every refusal of the device endpoint, with Azure's status, error code and body shape. */
class DeviceEndpointErrorsIT {
    private static final RawDevice DEVICE = new RawDevice();
    private static String scope;
    private static String registrationId;
    private static String key;

    @BeforeAll
    static void enroll() throws Exception {
        scope = MusterUnderTest.info().idScope();
        registrationId = "it-raw-" + UUID.randomUUID().toString().substring(0, 8);
        IndividualEnrollment e = ServiceClients.dps().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(registrationId, new SymmetricKeyAttestation(null, null)));
        key = ((SymmetricKeyAttestation) e.getAttestation()).getPrimaryKey();
    }

    private static JsonNode body(HttpResponse<String> r) {
        return Json.tree(r.body());
    }

    private static void assertAzureError(HttpResponse<String> r, int status, int errorCode) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode b = body(r);
        assertThat(b.path("errorCode").asInt()).isEqualTo(errorCode);
        assertThat(b.path("trackingId").asText()).isNotBlank();
        assertThat(b.path("message").asText()).isNotBlank();
        assertThat(b.path("timestampUtc").asText()).endsWith("Z");
        assertThat(r.headers().firstValue("x-ms-error-code")).contains(Integer.toString(errorCode));
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    }

    @Test
    void everySdkTokenEncodingIsAcceptedAndTheFirstAnswerIsFinal() throws Exception {
        long se = RawDevice.inAnHour();
        for (String token : new String[] {RawDevice.javaStyleToken(scope, registrationId, key, se),
                RawDevice.cStyleToken(scope, registrationId, key, se),
                RawDevice.pythonStyleToken(scope, registrationId, key, se)}) {
            HttpResponse<String> r = DEVICE.register(scope, registrationId, token,
                    "{\"registrationId\":\"" + registrationId + "\",\"payload\":null}");
            assertThat(r.statusCode()).as(token + " -> " + r.body()).isEqualTo(200);
            JsonNode b = body(r);
            assertThat(b.path("operationId").asText()).isNotBlank();
            assertThat(b.path("status").asText()).isEqualTo("assigned");
            assertThat(b.path("registrationState").path("assignedHub").asText()).isEqualTo(MusterUnderTest.hub());
            assertThat(b.path("registrationState").path("deviceId").asText()).isEqualTo(registrationId);

            // Polling the finished operation returns the same result.
            HttpResponse<String> poll = DEVICE.get("/" + scope + "/registrations/" + registrationId + "/operations/"
                    + b.path("operationId").asText() + "?api-version=2021-06-01", token);
            assertThat(poll.statusCode()).isEqualTo(200);
            assertThat(body(poll).path("status").asText()).isEqualTo("assigned");
        }
    }

    @Test
    void badSignatureIsUnauthorized() throws Exception {
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, wrongKey, RawDevice.inAnHour()), null);
        assertAzureError(r, 401, 401002);
    }

    @Test
    void expiredTokenIsUnauthorized() throws Exception {
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, key, Instant.now().getEpochSecond() - 10), null);
        assertAzureError(r, 401, 401002);
    }

    @Test
    void missingTokenIsUnauthorized() throws Exception {
        assertAzureError(DEVICE.register(scope, registrationId, null, null), 401, 401002);
    }

    @Test
    void unknownRegistrationIsIndistinguishableFromABadKey() throws Exception {
        String unknown = "nobody-" + UUID.randomUUID().toString().substring(0, 6);
        HttpResponse<String> r = DEVICE.register(scope, unknown,
                RawDevice.javaStyleToken(scope, unknown, key, RawDevice.inAnHour()), null);
        assertAzureError(r, 401, 401002);
        assertThat(body(r).path("message").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void unknownIdScopeIsUnauthorized() throws Exception {
        HttpResponse<String> r = DEVICE.register("0ne00000000", registrationId,
                RawDevice.javaStyleToken("0ne00000000", registrationId, key, RawDevice.inAnHour()), null);
        assertAzureError(r, 401, 401002);
    }

    @Test
    void tokenForAnotherRegistrationIsUnauthorized() throws Exception {
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, "someone-else", key, RawDevice.inAnHour()), null);
        assertAzureError(r, 401, 401002);
    }

    @Test
    void malformedJsonIsBadRequestSayingWhy() throws Exception {
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, key, RawDevice.inAnHour()), "{\"registrationId\": ");
        assertAzureError(r, 400, 400004);
        assertThat(body(r).path("message").asText()).contains("JSON");
    }

    @Test
    void bodyThatIsNotAnObjectIsBadRequest() throws Exception {
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, key, RawDevice.inAnHour()), "[1,2,3]");
        assertAzureError(r, 400, 400004);
    }

    @Test
    void registrationIdInBodyMustMatchThePath() throws Exception {
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, key, RawDevice.inAnHour()),
                "{\"registrationId\":\"different\"}");
        assertAzureError(r, 400, 400004);
    }

    @Test
    void invalidRegistrationIdIsBadRequest() throws Exception {
        String bad = "bad%21id";  // "bad!id": '!' is not allowed
        HttpResponse<String> r = DEVICE.register(scope, bad,
                RawDevice.javaStyleToken(scope, "bad!id", key, RawDevice.inAnHour()), null);
        assertAzureError(r, 400, 400004);
        assertThat(body(r).path("message").asText()).contains("registrationId");
        String tooLong = "a".repeat(129);
        assertAzureError(DEVICE.register(scope, tooLong,
                RawDevice.javaStyleToken(scope, tooLong, key, RawDevice.inAnHour()), null), 400, 400004);
    }

    @Test
    void bodyOver96KilobytesIsRejected() throws Exception {
        String big = "{\"registrationId\":\"" + registrationId + "\",\"payload\":\"" + "x".repeat(100 * 1024) + "\"}";
        HttpResponse<String> r = DEVICE.register(scope, registrationId,
                RawDevice.javaStyleToken(scope, registrationId, key, RawDevice.inAnHour()), big);
        assertAzureError(r, 413, 413001);
    }

    @Test
    void unknownOperationIsNotFound() throws Exception {
        String token = RawDevice.javaStyleToken(scope, registrationId, key, RawDevice.inAnHour());
        HttpResponse<String> r = DEVICE.get("/" + scope + "/registrations/" + registrationId
                + "/operations/not-an-operation?api-version=2019-03-31", token);
        assertAzureError(r, 404, 404203);
    }

    @Test
    void disabledEnrollmentGivesStatusDisabledToTheSdk() throws Exception {
        ProvisioningServiceClient dps = ServiceClients.dps();
        String id = "it-disabled-" + UUID.randomUUID().toString().substring(0, 6);
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        e.setProvisioningStatus(ProvisioningStatus.DISABLED);
        IndividualEnrollment created = dps.createOrUpdateIndividualEnrollment(e);
        String k = ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey();

        HttpResponse<String> raw = DEVICE.register(scope, id, RawDevice.javaStyleToken(scope, id, k, RawDevice.inAnHour()),
                null);
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(body(raw).path("status").asText()).isEqualTo("disabled");
        assertThat(body(raw).path("operationId").asText()).isNotBlank();

        Devices.Outcome sdk = Devices.register(id, k, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        boolean reportedDisabled = sdk.result() != null && sdk.result().getProvisioningDeviceClientStatus()
                == ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_DISABLED;
        assertThat(reportedDisabled || sdk.error() != null).as("the SDK does not report the device as assigned").isTrue();
    }
}
