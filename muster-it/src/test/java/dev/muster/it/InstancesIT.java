package dev.muster.it;

import static dev.muster.it.ServiceRest.call;
import static dev.muster.it.ServiceRest.connectionString;
import static dev.muster.it.ServiceRest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientUnathorizedException;
import dev.muster.core.Ids;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-tenant instances: the administrator's API on the default instance, and isolation both ways between two
 * instances, with the Azure Java SDKs where they can say it.
 */
class InstancesIT {
    private static String admin;
    private static Tenants.Tenant a;
    private static Tenants.Tenant b;

    @BeforeAll
    static void tenants() throws Exception {
        admin = Tenants.admin();
        a = Tenants.create(Tenants.unique("tenant-a"), "{}");
        b = Tenants.create(Tenants.unique("tenant-b"), "{\"allocationPolicy\":\"geoLatency\",\"quotas\":{\"enrollments\":1000}}");
    }

    @Test
    void aNewInstanceHasItsOwnLoopbackHostIdScopeOwnerPolicyAndTheBuiltInHubs() throws Exception {
        assertThat(a.host()).startsWith("127.0.30.");
        assertThat(b.host()).startsWith("127.0.30.").isNotEqualTo(a.host());
        assertThat(a.idScope()).matches("0ne[0-9A-F]{8}").isNotEqualTo(b.idScope())
                .isNotEqualTo(MusterUnderTest.info().idScope());

        JsonNode settings = json(call(b.connectionString(), "GET", "/instance", null));
        assertThat(settings.path("name").asText()).isEqualTo(b.name());
        assertThat(settings.path("allocationPolicy").asText()).isEqualTo("geoLatency");
        assertThat(settings.path("quotas").path("enrollments").asInt()).isEqualTo(1000);
        assertThat(settings.path("policy").path("keyName").asText()).isEqualTo("provisioningserviceowner");

        JsonNode hubs = json(call(a.connectionString(), "GET", "/linkedHubs", null));
        assertThat(hubs.findValuesAsText("hostName")).contains(MusterUnderTest.hub());

        JsonNode listed = json(call(admin, "GET", "/instances", null));
        assertThat(listed.findValuesAsText("name")).contains("default", a.name(), b.name());
        assertThat(listed.toString()).doesNotContain(a.key());
        JsonNode one = json(call(admin, "GET", "/instances/" + a.name(), null));
        assertThat(one.path("idScope").asText()).isEqualTo(a.idScope());
        assertThat(one.has("connectionString")).isFalse();
        assertThat(call(admin, "PUT", "/instances/" + a.name(), "{}").statusCode()).isEqualTo(409);
        // connection-info.json keeps describing the default instance.
        assertThat(MusterUnderTest.info().serviceConnectionString()).contains("HostName=localhost;");
    }

    @Test
    void onlyTheDefaultInstancesServiceConfigManagesInstances() throws Exception {
        HttpResponse<String> fromTenant = call(a.connectionString(), "GET", "/instances", null);
        assertThat(fromTenant.statusCode()).isEqualTo(403);
        assertThat(fromTenant.body()).contains("default instance");
        HttpResponse<String> bad = call(admin, "PUT", "/instances/Not_A_Name", "{}");
        assertThat(bad.statusCode()).isEqualTo(400);
        HttpResponse<String> refused = call(admin, "DELETE", "/instances/default", null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("cannot be deleted");
    }

    @Test
    void theJavaServiceSdkWorksAgainstANewInstance() throws Exception {
        String id = Tenants.unique("sdk-b");
        IndividualEnrollment created = b.sdk().createOrUpdateIndividualEnrollment(
                new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
        assertThat(b.sdk().getIndividualEnrollment(id).getEtag()).isEqualTo(created.getEtag());
        assertThat(call(admin, "GET", "/enrollments/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aDeviceCanOnlyRegisterThroughItsOwnScopeEvenWithTheSameIdAndKey() throws Exception {
        String id = Tenants.unique("twin-id");
        String keyA = Ids.symmetricKey();
        String keyB = Ids.symmetricKey();
        a.sdk().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(keyA, keyA)));
        b.sdk().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(keyB, keyB)));

        Devices.Outcome aWithBsKey = Devices.register(a.idScope(), id, keyB, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        Devices.Outcome bWithAsKey = Devices.register(b.idScope(), id, keyA, ProvisioningDeviceClientTransportProtocol.MQTT, null);
        assertThat(aWithBsKey.result() == null ? null : aWithBsKey.result().getProvisioningDeviceClientStatus())
                .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(bWithAsKey.result() == null ? null : bWithAsKey.result().getProvisioningDeviceClientStatus())
                .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(call(a.connectionString(), "GET", "/registrations/" + id, null).statusCode()).isEqualTo(404);
        assertThat(call(b.connectionString(), "GET", "/registrations/" + id, null).statusCode()).isEqualTo(404);

        Devices.Outcome own = Devices.register(b.idScope(), id, keyB, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(own.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(call(b.connectionString(), "GET", "/registrations/" + id, null).statusCode()).isEqualTo(200);
        assertThat(call(a.connectionString(), "GET", "/registrations/" + id, null).statusCode()).isEqualTo(404);
        // Failed attempts are counted where they happened, by reason.
        assertThat(json(call(a.connectionString(), "GET", "/usage", null)).path("failures").path("unauthorized").asLong())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void oneInstancesKeysNeverReadOrChangeAnother() throws Exception {
        String id = Tenants.unique("secret");
        b.sdk().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
        for (Tenants.Tenant[] pair : new Tenants.Tenant[][] {{a, b}, {b, a}}) {
            Tenants.Tenant own = pair[0];
            Tenants.Tenant other = pair[1];
            // The Java service SDK aimed at the other instance's host with this instance's owner key.
            ProvisioningServiceClient crossed = ProvisioningServiceClient.createFromConnectionString(
                    connectionString(other.host(), "provisioningserviceowner", own.key()));
            assertThatThrownBy(() -> crossed.getIndividualEnrollment(id))
                    .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
            assertThatThrownBy(() -> crossed.createOrUpdateIndividualEnrollment(
                    new IndividualEnrollment(Tenants.unique("intruder"), new SymmetricKeyAttestation(null, null))))
                    .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
            // A valid token of this instance, replayed at the other's host.
            String token = ServiceRest.token(own.connectionString(), 600);
            HttpResponse<String> replayed = call(other.host(), token, "GET", "/enrollments/" + id, null);
            assertThat(replayed.statusCode()).isEqualTo(401);
            assertThat(replayed.body()).contains("401002");
            HttpResponse<String> deleted = call(other.host(), token, "DELETE", "/enrollments/" + id, null);
            assertThat(deleted.statusCode()).isEqualTo(401);
        }
        assertThat(b.sdk().getIndividualEnrollment(id)).isNotNull();
    }

    @Test
    void deletingAnInstanceRemovesItAndItsData() throws Exception {
        Tenants.Tenant doomed = Tenants.create(Tenants.unique("doomed"), "{}");
        String id = Tenants.unique("doomed-dev");
        doomed.sdk().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));

        assertThat(call(admin, "DELETE", "/instances/" + doomed.name(), null).statusCode()).isEqualTo(204);

        assertThat(call(admin, "GET", "/instances/" + doomed.name(), null).statusCode()).isEqualTo(404);
        HttpResponse<String> gone = call(doomed.connectionString(), "GET", "/enrollments/" + id, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("No provisioning service instance is served at host");
        assertThat(MusterUnderTest.server().store().quotas().enrollmentCount(doomed.name())).isZero();
    }

    @Test
    void patchingTheAllocationPolicyChangesWhatTheNextRegistrationGetsAndUsageShowsIt() throws Exception {
        Tenants.Tenant t = Tenants.create(Tenants.unique("alloc"), "{}");
        String first = Tenants.unique("alloc-1");
        String second = Tenants.unique("alloc-2");
        String key = Ids.symmetricKey();
        for (String id : new String[] {first, second}) {
            t.sdk().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(key, key)));
        }
        assertThat(Devices.register(t.idScope(), first, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null)
                .result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);

        // Static allocation at the instance level needs a hub named in each enrollment: these name none.
        HttpResponse<String> patched = call(t.connectionString(), "PATCH", "/instance", "{\"allocationPolicy\":\"static\"}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched).path("allocationPolicy").asText()).isEqualTo("static");
        Devices.Outcome refused = Devices.register(t.idScope(), second, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(refused.result() == null ? null : refused.result().getProvisioningDeviceClientStatus())
                .isNotEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        JsonNode failures = json(call(t.connectionString(), "GET", "/usage/failures?top=1", null));
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).path("registrationId").asText()).isEqualTo(second);
        assertThat(failures.get(0).path("errorCode").asInt()).isEqualTo(400208);
        assertThat(failures.get(0).path("reason").asText()).startsWith("noHubAvailable");

        call(t.connectionString(), "PATCH", "/instance", "{\"allocationPolicy\":\"hashed\"}");
        assertThat(Devices.register(t.idScope(), second, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null)
                .result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);

        JsonNode usage = json(call(t.connectionString(), "GET", "/usage?granularity=minute", null));
        assertThat(usage.path("operations").path("registration").asLong()).isEqualTo(2);
        assertThat(usage.path("operations").path("enrollmentCreate").asLong()).isEqualTo(2);
        assertThat(usage.path("billedOperations").asLong()).isEqualTo(4);
        assertThat(usage.path("failures").path("noHubAvailable").asLong()).isEqualTo(1);
        long inSeries = 0;
        for (JsonNode bucket : usage.path("series")) {
            assertThat(bucket.path("start").asText()).matches(".*:00(\\.0+)?Z");
            inSeries += bucket.path("operations").path("registration").asLong();
        }
        assertThat(inSeries).isEqualTo(2);
        assertThat(json(call(t.connectionString(), "GET", "/usage?granularity=day", null)).path("series")).hasSize(1);
        assertThat(call(t.connectionString(), "GET", "/usage?granularity=week", null).statusCode()).isEqualTo(400);
    }
}
