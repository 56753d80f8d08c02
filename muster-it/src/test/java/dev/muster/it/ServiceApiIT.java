package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkEnrollmentOperationResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.BulkOperationMode;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadFormatException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientUnathorizedException;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The service API through the official Java service SDK, plus raw calls for what the SDK cannot send. */
class ServiceApiIT {
    private final ProvisioningServiceClient dps = ServiceClients.dps();

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void individualEnrollmentLifecycleWithEtags() throws Exception {
        String id = id("svc-indiv");
        IndividualEnrollment created = dps.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
        assertThat(created.getEtag()).isNotBlank();
        assertThat(created.getProvisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
        SymmetricKeyAttestation keys = (SymmetricKeyAttestation) created.getAttestation();
        assertThat(keys.getPrimaryKey()).isNotEqualTo(keys.getSecondaryKey());

        IndividualEnrollment read = dps.getIndividualEnrollment(id);
        assertThat(read.getEtag()).isEqualTo(created.getEtag());
        assertThat(read.getCreatedDateTimeUtc()).isNotNull();

        read.setDeviceId("renamed-device");
        IndividualEnrollment updated = dps.createOrUpdateIndividualEnrollment(read);
        assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());
        assertThat(updated.getDeviceId()).isEqualTo("renamed-device");
        assertThat(((SymmetricKeyAttestation) updated.getAttestation()).getPrimaryKey()).isEqualTo(keys.getPrimaryKey());

        // The stale etag no longer matches.
        created.setDeviceId("lost-update");
        assertThatThrownBy(() -> dps.createOrUpdateIndividualEnrollment(created))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);
        assertThatThrownBy(() -> dps.deleteIndividualEnrollment(id, "\"stale\""))
                .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);

        dps.deleteIndividualEnrollment(id, updated.getEtag());
        assertThatThrownBy(() -> dps.getIndividualEnrollment(id))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> dps.deleteIndividualEnrollment(id))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    @Test
    void enrollmentGroupLifecycleAndRegistrationRecords() throws Exception {
        String groupId = id("svc-group");
        EnrollmentGroup group = dps.createOrUpdateEnrollmentGroup(
                new EnrollmentGroup(groupId, new SymmetricKeyAttestation(null, null)));
        String groupKey = ((SymmetricKeyAttestation) group.getAttestation()).getPrimaryKey();
        assertThat(dps.getEnrollmentGroup(groupId).getEtag()).isEqualTo(group.getEtag());

        List<String> devices = List.of(groupId + "-a", groupId + "-b", groupId + "-c");
        for (String d : devices) {
            Devices.Outcome o = Devices.register(d, Devices.derivedKey(groupKey, d),
                    ProvisioningDeviceClientTransportProtocol.HTTPS, null);
            assertThat(o.error()).isNull();
        }
        Query query = dps.createEnrollmentGroupRegistrationStateQuery(
                new QuerySpecificationBuilder("*", QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).createSqlQuery(),
                groupId, 2);
        Set<String> seen = new HashSet<>();
        while (query.hasNext()) {
            QueryResult page = query.next();
            for (Object item : page.getItems()) {
                seen.add(((com.microsoft.azure.sdk.iot.provisioning.service.configs.DeviceRegistrationState) item)
                        .getRegistrationId());
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(devices);

        var record = dps.getDeviceRegistrationState(devices.get(0));
        assertThat(record.getStatus().toString().toLowerCase()).isEqualTo("assigned");
        dps.deleteDeviceRegistrationState(devices.get(0));
        assertThatThrownBy(() -> dps.getDeviceRegistrationState(devices.get(0)))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);

        dps.deleteEnrollmentGroup(groupId);
        assertThatThrownBy(() -> dps.getEnrollmentGroup(groupId))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> dps.getDeviceRegistrationState(devices.get(1)))
                .as("deleting a group removes its registration records")
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
    }

    @Test
    void queryPagesThroughEveryEnrollment() throws Exception {
        String prefix = id("svc-query");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(prefix + "-" + i);
            dps.createOrUpdateIndividualEnrollment(new IndividualEnrollment(ids.get(i), new SymmetricKeyAttestation(null, null)));
        }
        Query query = dps.createIndividualEnrollmentQuery(
                new QuerySpecificationBuilder("*", QuerySpecificationBuilder.FromType.ENROLLMENTS).createSqlQuery(), 3);
        Set<String> seen = new HashSet<>();
        int pages = 0;
        while (query.hasNext()) {
            QueryResult page = query.next();
            pages++;
            for (Object item : page.getItems()) {
                assertThat(seen.add(((IndividualEnrollment) item).getRegistrationId())).as("no duplicates").isTrue();
            }
        }
        assertThat(seen).containsAll(ids);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void wrongKeyIsUnauthorizedAndBadDocumentsAreRefused() throws Exception {
        ConnectionString cs = ConnectionString.parse(MusterUnderTest.info().serviceConnectionString());
        String wrong = "HostName=" + cs.hostName() + ";SharedAccessKeyName=" + cs.keyName() + ";SharedAccessKey="
                + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> ProvisioningServiceClient.createFromConnectionString(wrong).getIndividualEnrollment("x"))
                .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);

        String bad = "{\"registrationId\":\"svc-bad\",\"attestation\":{\"type\":\"symmetricKey\","
                + "\"symmetricKey\":{\"primaryKey\":\"not base64!\"}}}";
        HttpResponse<String> r = raw("PUT", "/enrollments/svc-bad", bad);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.tree(r.body()).path("message").asText()).contains("primaryKey");
        assertThatThrownBy(() -> dps.getIndividualEnrollment("svc-bad"))
                .as("nothing was written").isInstanceOf(ProvisioningServiceClientNotFoundException.class);

        r = raw("PUT", "/enrollments/svc-bad", "{\"registrationId\": [");
        assertThat(r.statusCode()).isEqualTo(400);
        r = raw("PUT", "/enrollments/svc-bad", "{\"attestation\":{\"type\":\"carrierPigeon\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = raw("PUT", "/enrollments/svc-bad", "{\"attestation\":{\"type\":\"symmetricKey\"},\"provisioningStatus\":\"maybe\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = raw("PUT", "/enrollments/svc-bad", "{\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"initialTwin\":{\"properties\":{\"desired\":[1]}}}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = raw("PUT", "/enrollments/" + "x".repeat(129), "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThatThrownBy(() -> dps.getIndividualEnrollment("svc-bad"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
        assertThatThrownBy(() -> dps.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment("svc!bad", new SymmetricKeyAttestation(null, null))))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class);
    }

    @Test
    void operationsAreMeteredAndVisibleThroughTheApiAndMetrics() throws Exception {
        JsonNode before = Json.tree(raw("GET", "/usage", null).body());
        String id = id("svc-meter");
        IndividualEnrollment e = dps.createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
        dps.createOrUpdateIndividualEnrollment(e);
        String key = ((SymmetricKeyAttestation) e.getAttestation()).getPrimaryKey();
        Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        JsonNode after = Json.tree(raw("GET", "/usage", null).body());
        JsonNode b = before.path("operations");
        JsonNode a = after.path("operations");
        assertThat(a.path("enrollmentCreate").asLong() - b.path("enrollmentCreate").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.path("enrollmentUpdate").asLong() - b.path("enrollmentUpdate").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.path("registration").asLong() - b.path("registration").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(a.path("reRegistration").asLong() - b.path("reRegistration").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(after.path("idScope").asText()).isEqualTo(MusterUnderTest.info().idScope());

        assertThat(MusterUnderTest.metrics()).contains("muster_operations_total").contains("kind=\"registration\"")
                .contains(MusterUnderTest.info().idScope());
    }

    @Test
    void bulkOperationsThroughTheJavaSdkReportRefusedItemsOneByOne() throws Exception {
        String prefix = id("svc-bulk");
        List<IndividualEnrollment> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            items.add(new IndividualEnrollment(prefix + "-" + i, new SymmetricKeyAttestation(null, null)));
        }
        BulkEnrollmentOperationResult created = dps.runBulkEnrollmentOperation(BulkOperationMode.CREATE, items);
        assertThat(created.getSuccessful()).isTrue();
        assertThat(created.getErrors()).isEmpty();
        IndividualEnrollment first = dps.getIndividualEnrollment(prefix + "-0");

        BulkEnrollmentOperationResult again = dps.runBulkEnrollmentOperation(BulkOperationMode.CREATE,
                List.of(items.get(0), new IndividualEnrollment(prefix + "-4", new SymmetricKeyAttestation(null, null))));
        assertThat(again.getSuccessful()).isFalse();
        assertThat(again.getErrors()).singleElement().satisfies(e -> {
            assertThat(e.getRegistrationId()).isEqualTo(prefix + "-0");
            assertThat(e.getErrorCode()).isEqualTo(409001);
            assertThat(e.getErrorStatus()).contains("already exists");
        });
        assertThat(dps.getIndividualEnrollment(prefix + "-4")).isNotNull();

        first.setDeviceId("bulk-renamed");
        IndividualEnrollment stale = dps.getIndividualEnrollment(prefix + "-1");
        stale.setEtag("\"stale\"");
        BulkEnrollmentOperationResult conditional = dps.runBulkEnrollmentOperation(
                BulkOperationMode.UPDATE_IF_MATCH_ETAG, List.of(first, stale));
        assertThat(conditional.getErrors()).extracting(e -> e.getRegistrationId() + ":" + e.getErrorCode())
                .containsExactly(prefix + "-1:412002");
        assertThat(dps.getIndividualEnrollment(prefix + "-0").getDeviceId()).isEqualTo("bulk-renamed");

        List<IndividualEnrollment> all = new ArrayList<>(items);
        all.add(new IndividualEnrollment(prefix + "-4", new SymmetricKeyAttestation(null, null)));
        all.add(new IndividualEnrollment(prefix + "-never", new SymmetricKeyAttestation(null, null)));
        BulkEnrollmentOperationResult deleted = dps.runBulkEnrollmentOperation(BulkOperationMode.DELETE, all);
        assertThat(deleted.getErrors()).extracting(e -> e.getRegistrationId() + ":" + e.getErrorCode())
                .containsExactly(prefix + "-never:404201");
        assertThatThrownBy(() -> dps.getIndividualEnrollment(prefix + "-2"))
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);

        List<IndividualEnrollment> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(new IndividualEnrollment(prefix + "-x" + i, new SymmetricKeyAttestation(null, null)));
        }
        assertThatThrownBy(() -> dps.runBulkEnrollmentOperation(BulkOperationMode.CREATE, eleven))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class).hasMessageContaining("at most 10");
    }

    @Test
    void groupBulkAndFilteredQueriesOverTheWire() throws Exception {
        String prefix = id("svc-gbulk");
        String body = "{\"mode\":\"create\",\"enrollmentGroups\":["
                + "{\"enrollmentGroupId\":\"" + prefix + "-a\",\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"initialTwin\":{\"tags\":{\"line\":\"" + prefix + "\"}}},"
                + "{\"enrollmentGroupId\":\"" + prefix + "-b\",\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"provisioningStatus\":\"disabled\",\"initialTwin\":{\"tags\":{\"line\":\"" + prefix + "\"}}},"
                + "{\"enrollmentGroupId\":\"" + prefix + "-a\",\"attestation\":{\"type\":\"symmetricKey\"}},"
                + "{\"enrollmentGroupId\":\"" + prefix + "-c\",\"attestation\":{\"type\":\"x509\"}}]}";
        JsonNode result = Json.tree(raw("POST", "/enrollmentGroups", body).body());
        assertThat(result.path("isSuccessful").asBoolean()).isFalse();
        assertThat(result.path("errors")).extracting(e -> e.path("enrollmentGroupId").asText() + ":"
                + e.path("errorCode").asInt()).containsExactly(prefix + "-a:400004", prefix + "-a:400004",
                prefix + "-c:400004");
        assertThat(dps.getEnrollmentGroup(prefix + "-b").getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);

        Query query = dps.createEnrollmentGroupQuery(new QuerySpecificationBuilder("*",
                QuerySpecificationBuilder.FromType.ENROLLMENT_GROUPS).where("tags.line = '" + prefix
                + "' AND provisioningStatus = 'disabled'").createSqlQuery(), 1);
        List<String> seen = new ArrayList<>();
        while (query.hasNext()) {
            for (Object item : query.next().getItems()) {
                seen.add(((EnrollmentGroup) item).getEnrollmentGroupId());
            }
        }
        assertThat(seen).containsExactly(prefix + "-b");

        HttpResponse<String> bad = raw("POST", "/enrollments/query", "{\"query\":\"SELECT * FROM enrollments WHERE deviceId = 'x'\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.tree(bad.body()).path("message").asText()).contains("Unsupported query").contains("tags.NAME");
        HttpResponse<String> tooMany = raw("POST", "/enrollmentGroups", "{\"mode\":\"delete\",\"enrollmentGroups\":["
                + "{\"enrollmentGroupId\":\"g\"},".repeat(10) + "{\"enrollmentGroupId\":\"g\"}]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(Json.tree(tooMany.body()).path("message").asText()).contains("at most 10 items");
    }

    @Test
    void theOpenApiDocumentIsServedWithoutCredentials() throws Exception {
        HttpResponse<String> r = HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build().send(
                HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint() + "/openapi.json"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode doc = Json.tree(r.body());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        assertThat(doc.path("paths").has("/enrollments/query")).isTrue();
        try (var in = ServiceApiIT.class.getResourceAsStream("/openapi.json")) {
            assertThat(r.body()).isEqualTo(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    static HttpResponse<String> raw(String method, String path, String body) throws Exception {
        ConnectionString cs = ConnectionString.parse(MusterUnderTest.info().serviceConnectionString());
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint()
                        + path + "?api-version=2021-10-01"))
                .header("Authorization", token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
