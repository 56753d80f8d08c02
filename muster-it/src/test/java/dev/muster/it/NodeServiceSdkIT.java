package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Azure IoT Node provisioning service SDK ({@code azure-iot-provisioning-service} 1.11.2, api-version
 * 2021-10-01) against the service API, unchanged. Its package lives in src/test/node-service.
 */
class NodeServiceSdkIT {
    private static final NodePackage PACKAGE = new NodePackage("node-service");

    @BeforeAll
    static void installPackages() {
        PACKAGE.install();
    }

    @Test
    void nodeServiceSdkManagesEnrollmentsGroupsBulkQueriesAndRegistrationRecords() throws Exception {
        String prefix = "node-svc-" + UUID.randomUUID().toString().substring(0, 6);
        String group = prefix + "-devices";
        String groupKey = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateEnrollmentGroup(
                new EnrollmentGroup(group, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        List<String> devices = List.of(group + "-1", group + "-2");
        for (String d : devices) {
            assertThat(Devices.register(d, Devices.derivedKey(groupKey, d),
                    ProvisioningDeviceClientTransportProtocol.HTTPS, null).error()).isNull();
        }

        NodePackage.Result run = PACKAGE.run(List.of("node", "service.js",
                MusterUnderTest.info().serviceConnectionString(), prefix, group, devices.get(0), devices.get(1)), 120);
        JsonNode out = run.lastJson();

        assertThat(out.has("error")).as(out.toPrettyString()).isFalse();
        assertThat(out.path("createdEtag").asBoolean()).isTrue();
        assertThat(out.path("generatedKey").asBoolean()).isTrue();
        assertThat(out.path("readSameEtag").asBoolean()).isTrue();
        assertThat(out.path("updatedDeviceId").asText()).isEqualTo("node-renamed");
        assertThat(out.path("keyKept").asBoolean()).isTrue();
        assertThat(out.path("staleEtag").path("status").asInt()).as(out.toString()).isEqualTo(412);
        assertThat(out.path("staleEtag").path("name").asText()).isEqualTo("InvalidEtagError");
        assertThat(out.path("mechanismType").asText()).isEqualTo("symmetricKey");
        assertThat(out.path("mechanismKeyMatches").asBoolean()).isTrue();

        assertThat(out.path("groupStatus").asText()).isEqualTo("disabled");
        assertThat(out.path("groupUpdatedStatus").asText()).isEqualTo("enabled");
        assertThat(out.path("groupMechanismType").asText()).isEqualTo("symmetricKey");

        assertThat(out.path("bulkCreate").path("isSuccessful").asBoolean()).as(out.toString()).isTrue();
        JsonNode again = out.path("bulkAgain");
        assertThat(again.path("isSuccessful").asBoolean()).isFalse();
        assertThat(again.path("errors")).hasSize(1);
        assertThat(again.path("errors").get(0).path("registrationId").asText()).isEqualTo(prefix + "-bulk-1");
        assertThat(again.path("errors").get(0).path("errorCode").asInt()).isEqualTo(409001);

        assertThat(out.path("everythingIncludesMine").asBoolean()).isTrue();
        assertThat(out.path("everythingNoDuplicates").asBoolean()).isTrue();
        assertThat(out.path("starGroupQueryFindsGroup").asBoolean()).as("createEnrollmentGroupQuery({query: '*'})").isTrue();
        assertThat(out.path("queryIds")).extracting(JsonNode::asText).containsExactly(prefix + "-bulk-1",
                prefix + "-bulk-2", prefix + "-bulk-3", prefix + "-bulk-4", prefix + "-bulk-5", prefix + "-bulk-6",
                prefix + "-indiv");
        assertThat(out.path("queryPages").asInt()).isEqualTo(4);
        assertThat(out.path("taggedIncludesMine").asBoolean()).isTrue();
        assertThat(out.path("taggedExcludesBulk").asBoolean()).isTrue();
        assertThat(out.path("badQuery").path("status").asInt()).isEqualTo(400);
        assertThat(out.path("badQuery").path("message").asText()).contains("Unsupported query");
        assertThat(out.path("groupQueryFindsGroup").asBoolean()).isTrue();

        assertThat(out.path("registrationIds")).extracting(JsonNode::asText).containsExactlyElementsOf(devices);
        assertThat(out.path("registrationPages").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(out.path("recordStatus").asText()).isEqualTo("assigned");
        assertThat(out.path("deletedRecord").path("status").asInt()).isEqualTo(404);

        assertThat(out.path("bulkDelete").path("isSuccessful").asBoolean()).as(out.toString()).isTrue();
        assertThat(out.path("deletedEnrollment").path("status").asInt()).isEqualTo(404);
        assertThat(out.path("deletedGroup").path("status").asInt()).isEqualTo(404);
    }

    /** The Node registry client (azure-iothub): statistics with enabled and disabled counts; deletes without an etag. */
    @Test
    void theNodeRegistryClientReadsStatisticsAndDeletesWithoutAnEtag() throws Exception {
        String prefix = "node-reg-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        JsonNode out = PACKAGE.run(List.of("node", "hub-registry.js",
                MusterUnderTest.info().hubs().get(0).connectionString(), prefix), 60).lastJson();

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.path("after").path("totalDeviceCount").asLong()
                - out.path("before").path("totalDeviceCount").asLong()).isEqualTo(2);
        assertThat(out.path("after").path("disabledDeviceCount").asLong()
                - out.path("before").path("disabledDeviceCount").asLong()).isEqualTo(1);
        assertThat(out.path("after").path("enabledDeviceCount").asLong()
                + out.path("after").path("disabledDeviceCount").asLong())
                .isEqualTo(out.path("after").path("totalDeviceCount").asLong());
        assertThat(out.path("deleted").asBoolean()).isTrue();
    }

    /** The Node registry client (azure-iothub 1.16.6) on modules and module twins (hub-modules.js). */
    @Test
    void theNodeRegistryClientManagesModulesAndModuleTwins() throws Exception {
        String deviceId = "node-mod-" + UUID.randomUUID().toString().substring(0, 6);
        JsonNode out = PACKAGE.run(List.of("node", "hub-modules.js",
                MusterUnderTest.info().hubs().get(0).connectionString(), deviceId), 60).lastJson();

        assertThat(out.has("error")).as(out.toString()).isFalse();
        JsonNode added = out.path("added");
        assertThat(added.path("moduleId").asText()).isEqualTo("sensor");
        assertThat(added.path("deviceId").asText()).isEqualTo(deviceId);
        assertThat(added.path("etag").asText()).isNotBlank();
        assertThat(added.path("generationId").asText()).isNotBlank();
        assertThat(added.path("connectionState").asText()).isEqualTo("Disconnected");
        assertThat(added.path("primaryKey").asText()).as("generated for the SDK's blank keys").isNotBlank();
        assertThat(out.path("again").path("status").asInt()).isEqualTo(409);
        assertThat(out.path("again").path("errorCode").asText()).isEqualTo("ModuleAlreadyExistsOnDevice");
        assertThat(out.path("readEtag").asText()).isEqualTo(added.path("etag").asText());
        assertThat(out.path("listed")).extracting(JsonNode::asText).containsExactly("camera", "sensor");
        assertThat(out.path("managedBy").asText()).isEqualTo("someone");

        assertThat(out.path("updated").path("etag").asText()).isNotEqualTo(added.path("etag").asText());
        assertThat(out.path("updated").path("generationId").asText()).isEqualTo(added.path("generationId").asText());
        assertThat(out.path("updated").path("secondaryKey").asText())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("a fresh secondary key, 32 bytes!".getBytes()));
        assertThat(out.path("staleUpdate").path("status").asInt()).isEqualTo(412);
        assertThat(out.path("staleRemove").path("status").asInt()).isEqualTo(412);

        assertThat(out.path("twinBefore").path("moduleId").asText()).isEqualTo("sensor");
        assertThat(out.path("twinBefore").path("desiredVersion").asLong()).isEqualTo(1);
        assertThat(out.path("twinAfter").path("tags").path("site").asText()).isEqualTo("lab");
        assertThat(out.path("twinAfter").path("rate").asInt()).isEqualTo(5);
        assertThat(out.path("twinAfter").path("desiredVersion").asLong()).isEqualTo(2);
        assertThat(out.path("staleTwin").path("status").asInt()).isEqualTo(412);
        assertThat(out.path("deviceTwinTags").has("site")).as("the device twin is another twin").isFalse();
        assertThat(out.path("unknownModuleTwin").path("errorCode").asText()).isEqualTo("ModuleNotFound");

        assertThat(out.path("removedGet").path("errorCode").asText()).isEqualTo("ModuleNotFound");
        assertThat(out.path("afterDeviceDeleted").path("errorCode").asText()).as("deleted with its device")
                .isEqualTo("DeviceNotFound");
        assertThat(out.path("listOfDeletedDevice").path("status").asInt()).isEqualTo(404);
    }
}
