package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AllocationPolicy;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadFormatException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import dev.muster.core.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Static and lowest-latency allocation through the official Java service SDK. */
class AllocationPoliciesIT {
    private final ProvisioningServiceClient dps = ServiceClients.dps();

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void staticAllocationAssignsTheNamedHub() throws Exception {
        String id = id("static");
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        e.setAllocationPolicy(AllocationPolicy.STATIC);
        e.setIotHubs(List.of(MusterUnderTest.hub()));
        IndividualEnrollment created = dps.createOrUpdateIndividualEnrollment(e);
        assertThat(created.getAllocationPolicy()).isEqualTo(AllocationPolicy.STATIC);
        assertThat(created.getIotHubs()).containsExactly(MusterUnderTest.hub());

        Devices.Outcome o = Devices.register(id, ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey(),
                ProvisioningDeviceClientTransportProtocol.HTTPS, null);

        assertThat(o.error()).isNull();
        assertThat(o.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
    }

    @Test
    void anUnlinkedHubIsRefusedWith400AtEnrollmentTime() throws Exception {
        String id = id("static-bad");
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        e.setAllocationPolicy(AllocationPolicy.STATIC);
        e.setIotHubs(List.of("contoso-west.azure-devices.net"));
        assertThatThrownBy(() -> dps.createOrUpdateIndividualEnrollment(e))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class);
        assertThatThrownBy(() -> dps.getIndividualEnrollment(id)).as("nothing written")
                .isInstanceOf(ProvisioningServiceClientNotFoundException.class);

        EnrollmentGroup g = new EnrollmentGroup(id("static-grp"), new SymmetricKeyAttestation(null, null));
        g.setAllocationPolicy(AllocationPolicy.HASHED);
        g.setIotHubs(List.of(MusterUnderTest.hub(), "contoso-west.azure-devices.net"));
        assertThatThrownBy(() -> dps.createOrUpdateEnrollmentGroup(g))
                .isInstanceOf(ProvisioningServiceClientBadFormatException.class);

        HttpResponse<String> r = ServiceApiIT.raw("PUT", "/enrollments/" + id, "{\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"allocationPolicy\":\"static\",\"iotHubs\":[\"contoso-west.azure-devices.net\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.tree(r.body()).path("message").asText()).contains("'contoso-west.azure-devices.net'")
                .contains("not an IoT hub linked");
        r = ServiceApiIT.raw("PUT", "/enrollments/" + id, "{\"attestation\":{\"type\":\"symmetricKey\"},"
                + "\"allocationPolicy\":\"static\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.tree(r.body()).path("message").asText()).contains("exactly one");
    }

    @Test
    void lowestLatencyAllocationAssignsTheMeasuredHub() throws Exception {
        String id = id("geo");
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        e.setAllocationPolicy(AllocationPolicy.GEOLATENCY);
        IndividualEnrollment created = dps.createOrUpdateIndividualEnrollment(e);
        assertThat(created.getAllocationPolicy()).isEqualTo(AllocationPolicy.GEOLATENCY);

        Devices.Outcome o = Devices.register(id, ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey(),
                ProvisioningDeviceClientTransportProtocol.HTTPS, null);

        assertThat(o.error()).isNull();
        assertThat(o.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
    }
}
