package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same enrollment provisions over every transport the Java SDK offers that Muster serves, then uses its hub. */
class TransportsIT {

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"HTTPS", "MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void individualSymmetricKeyDeviceProvisionsOver(ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String id = "tr-" + protocol.name().toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 6);
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        desired.put("transport", protocol.name());
        e.setInitialTwin(new TwinState(null, desired));
        String key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(e)
                .getAttestation()).getPrimaryKey();

        Devices.Outcome first = Devices.register(id, key, protocol, "{\"fw\":\"1.0\"}");
        assertThat(first.error()).isNull();
        assertThat(first.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(first.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
        Devices.Outcome again = Devices.register(id, key, protocol, null);
        assertThat(again.error()).isNull();
        assertThat(again.result().getDeviceId()).isEqualTo(first.result().getDeviceId());
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void groupDeviceProvisionsOver(ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String groupId = "trg-" + UUID.randomUUID().toString().substring(0, 6);
        String groupKey = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateEnrollmentGroup(
                new EnrollmentGroup(groupId, new SymmetricKeyAttestation(null, null))).getAttestation()).getPrimaryKey();
        String id = groupId + "-d1";
        Devices.Outcome o = Devices.register(id, Devices.derivedKey(groupKey, id), protocol, null);
        assertThat(o.error()).isNull();
        assertThat(o.result().getDeviceId()).isEqualTo(id);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisioningDeviceClientTransportProtocol.class, names = {"MQTT", "MQTT_WS", "AMQPS", "AMQPS_WS"})
    void wrongKeyIsRefusedOver(ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        String id = "trbad-" + UUID.randomUUID().toString().substring(0, 6);
        ServiceClients.dps().createOrUpdateIndividualEnrollment(new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null)));
        Devices.Outcome o = Devices.register(id, java.util.Base64.getEncoder().encodeToString(new byte[32]), protocol, null);
        assertThat(o.result() == null || o.result().getProvisioningDeviceClientStatus()
                != ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED).isTrue();
        assertThat(o.error()).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS"})
    void hubDeviceReadsItsTwinAndReportsOver(IotHubClientProtocol protocol) throws Exception {
        String id = "trhub-" + protocol.name().toLowerCase().replace('_', '-') + "-" + UUID.randomUUID().toString().substring(0, 6);
        IndividualEnrollment e = new IndividualEnrollment(id, new SymmetricKeyAttestation(null, null));
        var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        desired.put("color", "blue");
        e.setInitialTwin(new TwinState(null, desired));
        String key = ((SymmetricKeyAttestation) ServiceClients.dps().createOrUpdateIndividualEnrollment(e)
                .getAttestation()).getPrimaryKey();
        Devices.Outcome o = Devices.register(id, key, ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(o.error()).isNull();
        DeviceClient device = Devices.hubClient(o.result().getIothubUri(), id, key, protocol);
        try {
            device.open(false);
            device.subscribeToDesiredProperties((t, c) -> { }, null);
            assertThat(TwinReads.get(device).getDesiredProperties().get("color")).isEqualTo("blue");
            TwinCollection reported = new TwinCollection();
            reported.put("via", protocol.name());
            ReportedProperties.send(device, reported);
            assertThat(MusterUnderTest.server().builtInHub().twins().twinJson(MusterUnderTest.hub(), id).orElseThrow()
                    .path("properties").path("reported").path("via").asText()).isEqualTo(protocol.name());
        } finally {
            device.close();
        }
    }
}
