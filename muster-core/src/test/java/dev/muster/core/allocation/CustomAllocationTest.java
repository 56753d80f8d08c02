package dev.muster.core.allocation;

import static dev.muster.core.allocation.HubSelectorTest.A;
import static dev.muster.core.allocation.HubSelectorTest.B;
import static dev.muster.core.allocation.HubSelectorTest.C;
import static dev.muster.core.allocation.HubSelectorTest.THREE;
import static dev.muster.core.allocation.HubSelectorTest.enrollment;
import static dev.muster.core.testing.JsonAssert.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.CustomAllocationDefinition;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.instance.AllocationPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The custom-allocation webhook exchange, Azure's shapes (reference §8), against a scripted webhook. */
class CustomAllocationTest {
    static final String SECRET = "S3cr3tFunctionKey==";
    static final String URL = "https://alloc.example.net/api/allocate?code=" + SECRET;
    static final String SHOWN = "https://alloc.example.net/api/allocate?***";
    static final CustomAllocationDefinition DEFINITION = new CustomAllocationDefinition(URL, "2021-10-01");

    /** Records each call and answers what the test scripted. */
    static final class ScriptedWebhook implements AllocationWebhook {
        final List<String> urls = new ArrayList<>();
        final List<ObjectNode> requests = new ArrayList<>();
        Response response = new Response(200, "{\"iotHubHostName\":\"" + B + "\"}");
        AllocationWebhookException failure;

        @Override
        public Response post(String webhookUrl, ObjectNode request) throws AllocationWebhookException {
            urls.add(webhookUrl);
            requests.add(request.deepCopy());
            if (failure != null) {
                throw failure;
            }
            return response;
        }

        ScriptedWebhook answer(int status, String body) {
            response = new Response(status, body);
            return this;
        }
    }

    private final ScriptedWebhook webhook = new ScriptedWebhook();
    private final HubSelector selector = new HubSelector(HubLatencies.UNKNOWN, webhook);

    private static IndividualEnrollment custom(String id) {
        return enrollment(id, "custom", null, DEFINITION);
    }

    private Allocation select(IndividualEnrollment e, JsonNode payload, AllocationContext.CurrentAssignment current)
            throws AllocationFailure {
        return selector.select(new AllocationContext("hashed", e, e.registrationId(), payload, current, THREE));
    }

    private AllocationFailure failure(IndividualEnrollment e) {
        try {
            select(e, null, null);
        } catch (AllocationFailure f) {
            assertThat(f.getMessage()).doesNotContain(SECRET).doesNotContain("code=");
            assertThat(f.detail()).doesNotContain(SECRET).doesNotContain("code=");
            return f;
        }
        throw new AssertionError("expected an AllocationFailure");
    }

    // ---- the request ---------------------------------------------------------------------------------------

    @Test
    void postsAzuresAllocationRequestForAnIndividualEnrollment() throws Exception {
        select(custom("dev1"), Json.tree("{\"modelId\":\"dtmi:contoso:thermostat;1\",\"site\":7}"), null);

        assertThat(webhook.urls).containsExactly(URL);
        ObjectNode r = webhook.requests.get(0);
        assertThat(r.has("enrollmentGroup")).isFalse();
        JsonNode e = r.get("individualEnrollment");
        assertThat(e.path("registrationId").asText()).isEqualTo("dev1");
        assertJson(e.get("attestation"), "{\"type\":\"symmetricKey\"}");
        assertThat(e.path("allocationPolicy").asText()).isEqualTo("custom");
        assertThat(e.path("provisioningStatus").asText()).isEqualTo("enabled");
        assertJson(e.get("capabilities"), "{\"iotEdge\":false}");
        assertJson(e.get("reprovisionPolicy"), "{\"updateHubAssignment\":true,\"migrateDeviceData\":true}");
        assertThat(e.path("customAllocationDefinition").path("apiVersion").asText()).isEqualTo("2021-10-01");
        assertThat(e.has("registrationState")).isFalse();
        assertJson(r.get("deviceRuntimeContext"), "{\"registrationId\":\"dev1\",\"symmetricKey\":{},"
                + "\"payload\":{\"modelId\":\"dtmi:contoso:thermostat;1\",\"site\":7}}");
        assertJson(r.get("linkedHubs"), "[\"" + A + "\",\"" + B + "\",\"" + C + "\"]");
    }

    @Test
    void theRequestCarriesNoAttestationSecret() throws Exception {
        select(custom("dev1"), null, null);

        String text = Json.write(webhook.requests.get(0));
        assertThat(text).doesNotContain("cHJpbWFyeQ==").doesNotContain("c2Vjb25kYXJ5")
                .doesNotContain("primaryKey").doesNotContain("secondaryKey");
        assertThat(webhook.requests.get(0).path("deviceRuntimeContext").has("payload"))
                .as("no payload sent, none passed on").isFalse();
    }

    @Test
    void aGroupIsSentAsEnrollmentGroupWithoutItsKeys() throws Exception {
        EnrollmentGroup g = new EnrollmentGroup("line-3", AttestationMechanism.symmetricKey("Z3JvdXBwcmltYXJ5",
                "Z3JvdXBzZWNvbmRhcnk="), DeviceCapabilities.NONE, null, null, "\"etag\"", "enabled",
                ReprovisionPolicy.DEFAULT, "2025-06-01T10:00:00.0000000Z", "2025-06-01T10:00:00.0000000Z", "custom",
                List.of(A, C), DEFINITION);
        webhook.answer(200, "{\"iotHubHostName\":\"" + C + "\"}");

        selector.select(new AllocationContext("hashed", g, "line-3-unit-9", Json.tree("\"a string payload\""), null,
                THREE));

        ObjectNode r = webhook.requests.get(0);
        assertThat(r.has("individualEnrollment")).isFalse();
        JsonNode e = r.get("enrollmentGroup");
        assertThat(e.path("enrollmentGroupId").asText()).isEqualTo("line-3");
        assertJson(e.get("attestation"), "{\"type\":\"symmetricKey\"}");
        assertJson(e.get("iotHubs"), "[\"" + A + "\",\"" + C + "\"]");
        assertThat(Json.write(r)).doesNotContain("Z3JvdXBwcmltYXJ5").doesNotContain("Z3JvdXBzZWNvbmRhcnk=");
        assertThat(r.path("deviceRuntimeContext").path("registrationId").asText()).isEqualTo("line-3-unit-9");
        assertThat(r.path("deviceRuntimeContext").path("payload").asText()).as("any JSON, as the device sent it")
                .isEqualTo("a string payload");
        assertJson(r.get("linkedHubs"), "[\"" + A + "\",\"" + C + "\"]");
    }

    @Test
    void reRegistrationTellsTheWebhookWhereTheDeviceIsNow() throws Exception {
        select(custom("dev1"), null, new AllocationContext.CurrentAssignment(A, "thermostat-1"));

        JsonNode context = webhook.requests.get(0).get("deviceRuntimeContext");
        assertThat(context.path("currentIotHubHostName").asText()).isEqualTo(A);
        assertThat(context.path("currentDeviceId").asText()).isEqualTo("thermostat-1");
    }

    @Test
    void aTpmEnrollmentSendsOnlyThePublicKeysInTheContext() throws Exception {
        IndividualEnrollment tpm = new IndividualEnrollment("tpm1", null, null, null,
                new AttestationMechanism("tpm", Json.tree("{\"endorsementKey\":\"RUs=\",\"storageRootKey\":\"U1JL\"}"),
                        null, null), null, null, null, null, null, null, null, null, "custom", null, DEFINITION);

        select(tpm, null, null);

        JsonNode r = webhook.requests.get(0);
        assertJson(r.path("individualEnrollment").get("attestation"), "{\"type\":\"tpm\"}");
        assertJson(r.path("deviceRuntimeContext").get("tpm"), "{\"endorsementKey\":\"RUs=\",\"storageRootKey\":\"U1JL\"}");
    }

    // ---- the response --------------------------------------------------------------------------------------

    @Test
    void appliesTheChosenHubTwinAndPayload() throws Exception {
        webhook.answer(200, "{\"iotHubHostName\":\"" + C.toUpperCase() + "\",\"initialTwin\":{\"tags\":{\"line\":3},"
                + "\"properties\":{\"desired\":{\"interval\":15}}},\"payload\":{\"welcome\":\"dev1\",\"slot\":4}}");

        Allocation a = select(custom("dev1"), null, null);

        assertThat(a.hub().hostName()).isEqualTo(C);
        assertThat(a.policy()).isEqualTo(AllocationPolicy.CUSTOM);
        assertJson(a.initialTwin().tags(), "{\"line\":3}");
        assertJson(a.initialTwin().desired(), "{\"interval\":15}");
        assertJson(a.payload(), "{\"welcome\":\"dev1\",\"slot\":4}");
    }

    @Test
    void twinMetadataFromADotNetTwinCollectionIsDropped() throws Exception {
        webhook.answer(200, "{\"iotHubHostName\":\"" + A + "\",\"initialTwin\":{\"tags\":{\"$version\":1,\"a\":1},"
                + "\"properties\":{\"desired\":{\"b\":2,\"$metadata\":{},\"$version\":1}}}}");

        Allocation a = select(custom("dev1"), null, null);

        assertJson(a.initialTwin().tags(), "{\"a\":1}");
        assertJson(a.initialTwin().desired(), "{\"b\":2}");
    }

    @Test
    void aFunctionEchoingItsBareKeyDoesNotLeakIt() {
        webhook.answer(401, "Invalid function key: " + SECRET);

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.detail()).contains("Invalid function key: ***");
    }

    @Test
    void onlyTheHubIsRequiredAndNullsMeanAbsent() throws Exception {
        webhook.answer(201, "{\"iotHubHostName\":\"" + A + "\",\"initialTwin\":null,\"payload\":null}");

        Allocation a = select(custom("dev1"), null, null);

        assertThat(a.hub().hostName()).isEqualTo(A);
        assertThat(a.initialTwin()).isNull();
        assertThat(a.payload()).isNull();
    }

    @Test
    void fieldNamesAreMatchedCaseInsensitivelyLikeAzureFunctionsBindThem() throws Exception {
        webhook.answer(200, "{\"IotHubHostName\":\"" + B + "\",\"Payload\":{\"x\":1}}");

        Allocation a = select(custom("dev1"), null, null);

        assertThat(a.hub().hostName()).isEqualTo(B);
        assertJson(a.payload(), "{\"x\":1}");
    }

    // ---- failures ------------------------------------------------------------------------------------------

    @Test
    void aNon2xxAnswerFailsNamingTheStatus() {
        webhook.answer(500, "System.Exception: boom at https://alloc.example.net/api/allocate?code=" + SECRET);

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_HTTP_STATUS);
        assertThat(f.getMessage()).contains("HTTP 500").contains(SHOWN);
        assertThat(f.detail()).contains("System.Exception: boom").as("the body's copy of the secret is scrubbed");
    }

    @Test
    void aTimeoutFailsSayingSo() {
        webhook.failure = new AllocationWebhookException(AllocationWebhookException.Kind.TIMEOUT,
                "no answer within 1000 ms");

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_TIMEOUT);
        assertThat(f.getMessage()).contains("did not answer in time").contains("1000 ms").contains(SHOWN);
    }

    @Test
    void anUnreachableWebhookFailsAndASecretInTheCauseIsScrubbed() {
        webhook.failure = new AllocationWebhookException(AllocationWebhookException.Kind.UNREACHABLE,
                "connection refused by " + URL);

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_UNREACHABLE);
        assertThat(f.getMessage()).contains("could not be reached").contains("connection refused");
    }

    @Test
    void invalidJsonFailsSayingWhere() {
        webhook.answer(200, "<html>Function host is not running.</html>");

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_INVALID_RESPONSE);
        assertThat(f.getMessage()).contains("invalid JSON").contains("line 1");
        assertThat(f.detail()).contains("Function host is not running");
    }

    @Test
    void anEmptyOrNonObjectAnswerIsInvalid() {
        webhook.answer(200, "");
        assertThat(failure(custom("dev1")).getMessage()).contains("empty body");
        webhook.answer(200, "[\"" + A + "\"]");
        assertThat(failure(custom("dev1")).getMessage()).contains("an array");
    }

    @Test
    void aMissingHubFails() {
        webhook.answer(200, "{\"initialTwin\":{}}");

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_HUB_NOT_LINKED);
        assertThat(f.getMessage()).contains("iotHubHostName is missing").contains(A);
    }

    @Test
    void aHubThatWasNotOfferedFailsNamingIt() {
        webhook.answer(200, "{\"iotHubHostName\":\"contoso-west.azure-devices.net\"}");

        AllocationFailure f = failure(enrollment("dev1", "custom", List.of(A, B), DEFINITION));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_HUB_NOT_LINKED);
        assertThat(f.getMessage()).contains("'contoso-west.azure-devices.net'")
                .contains("not one of the linked hubs it was offered (" + A + ", " + B + ")");
    }

    @Test
    void aHubOutsideTheEnrollmentsIotHubsIsNotLinkedForIt() {
        webhook.answer(200, "{\"iotHubHostName\":\"" + C + "\"}");

        assertThat(failure(enrollment("dev1", "custom", List.of(A), DEFINITION)).errorCode())
                .isEqualTo(AllocationFailure.WEBHOOK_HUB_NOT_LINKED);
    }

    @Test
    void aPayloadThatIsNotAnObjectFails() {
        webhook.answer(200, "{\"iotHubHostName\":\"" + A + "\",\"payload\":\"hello\"}");

        AllocationFailure f = failure(custom("dev1"));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_INVALID_RESPONSE);
        assertThat(f.getMessage()).contains("payload that is a string").contains("JSON object");
    }

    @Test
    void aMalformedTwinFails() {
        webhook.answer(200, "{\"iotHubHostName\":\"" + A + "\",\"initialTwin\":{\"properties\":{\"desired\":[1]}}}");
        assertThat(failure(custom("dev1")).getMessage()).contains("initialTwin.properties.desired that is an array");
        webhook.answer(200, "{\"iotHubHostName\":\"" + A + "\",\"initialTwin\":{\"tags\":\"x\"}}");
        assertThat(failure(custom("dev1")).getMessage()).contains("initialTwin.tags that is a string");
    }

    @Test
    void customWithoutAWebhookDefinitionFailsWithoutCallingAnything() {
        AllocationFailure f = failure(enrollment("dev1", "custom", null, null));

        assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_NOT_CONFIGURED);
        assertThat(f.getMessage()).contains("customAllocationDefinition").contains("enrollment 'dev1'");
        assertThat(webhook.requests).isEmpty();
    }

    @Test
    void aServerWithoutWebhookClientFailsSayingSo() {
        HubSelector bare = new HubSelector();
        IndividualEnrollment e = custom("dev1");
        try {
            bare.select(new AllocationContext("hashed", e, "dev1", null, null, THREE));
            throw new AssertionError("expected a failure");
        } catch (AllocationFailure f) {
            assertThat(f.errorCode()).isEqualTo(AllocationFailure.WEBHOOK_NOT_CONFIGURED);
            assertThat(f.getMessage()).contains("no webhook client").doesNotContain(SECRET);
        }
    }

    @Test
    void noCandidateHubMeansTheWebhookIsNotCalled() {
        try {
            selector.select(new AllocationContext("hashed", custom("dev1"), "dev1", null, null, List.of()));
            throw new AssertionError("expected a failure");
        } catch (AllocationFailure f) {
            assertThat(f.errorCode()).isEqualTo(400208);
            assertThat(f.getMessage()).doesNotContain(SECRET);
        }
        assertThat(webhook.requests).isEmpty();
    }
}
