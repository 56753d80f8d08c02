package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import dev.muster.core.Json;
import dev.muster.hub.TelemetryMessage;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The foundation's promise: an unchanged Azure SDK device provisions over HTTPS and lives on the built-in hub. */
class SymmetricKeyProvisioningIT {

    @Test
    void individualDeviceProvisionsReadsItsTwinReportsAndReceivesDesiredUpdates() throws Exception {
        ProvisioningServiceClient dps = ServiceClients.dps();
        String registrationId = "it-indiv-" + UUID.randomUUID().toString().substring(0, 8);
        IndividualEnrollment enrollment = new IndividualEnrollment(registrationId, new SymmetricKeyAttestation(null, null));
        enrollment.setDeviceId(registrationId + "-dev");
        var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        desired.put("telemetryInterval", 30);
        var tags = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        tags.put("site", "factory-7");
        enrollment.setInitialTwin(new TwinState(tags, desired));
        IndividualEnrollment created = dps.createOrUpdateIndividualEnrollment(enrollment);
        String key = ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey();
        assertThat(key).as("DPS generates keys when omitted").isNotBlank();

        Devices.Outcome outcome = Devices.register(registrationId, key, ProvisioningDeviceClientTransportProtocol.HTTPS,
                null);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(outcome.result().getIothubUri()).isEqualTo(MusterUnderTest.hub());
        assertThat(outcome.result().getDeviceId()).isEqualTo(registrationId + "-dev");

        BlockingQueue<TelemetryMessage> telemetry = new LinkedBlockingQueue<>();
        Consumer<TelemetryMessage> listener = telemetry::add;
        MusterUnderTest.server().builtInHub().telemetry().addTelemetryListener(listener);
        DeviceClient device = Devices.hubClient(outcome.result().getIothubUri(), outcome.result().getDeviceId(), key,
                IotHubClientProtocol.MQTT);
        try {
            device.open(false);
            // The SDK insists on the desired-properties subscription before a twin read.
            BlockingQueue<Twin> desiredUpdates = new LinkedBlockingQueue<>();
            device.subscribeToDesiredProperties((t, ctx) -> desiredUpdates.add(t), null);
            Twin twin = TwinReads.get(device);
            assertThat(((Number) twin.getDesiredProperties().get("telemetryInterval")).intValue()).isEqualTo(30);

            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "1.2.3");
            ReportedProperties.send(device, reported);
            String twinJson = MusterUnderTest.server().builtInHub()
                    .twins().twinJson(MusterUnderTest.hub(), outcome.result().getDeviceId()).orElseThrow().toString();
            assertThat(Json.tree(twinJson).path("properties").path("reported").path("firmware").asText()).isEqualTo("1.2.3");
            assertThat(Json.tree(twinJson).path("tags").path("site").asText()).isEqualTo("factory-7");

            HubRest hubRest = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());
            hubRest.patchTwin(outcome.result().getDeviceId(), "{\"properties\":{\"desired\":{\"telemetryInterval\":5}}}");
            Twin update = desiredUpdates.poll(20, TimeUnit.SECONDS);
            assertThat(update).as("desired update pushed to the device").isNotNull();
            assertThat(((Number) update.getDesiredProperties().get("telemetryInterval")).intValue()).isEqualTo(5);

            Message message = new Message("{\"temperature\":21.5}");
            message.setContentType("application/json");
            message.setProperty("alert", "none");
            device.sendEvent(message);
            TelemetryMessage received = telemetry.poll(10, TimeUnit.SECONDS);
            assertThat(received).isNotNull();
            assertThat(received.deviceId()).isEqualTo(outcome.result().getDeviceId());
            assertThat(new String(received.body(), StandardCharsets.UTF_8)).contains("21.5");
            assertThat(received.properties()).containsEntry("alert", "none");
        } finally {
            device.close();
            MusterUnderTest.server().builtInHub().telemetry().removeTelemetryListener(listener);
        }
    }

    @Test
    void groupDeviceProvisionsWithItsDerivedKeyAndReRegistrationIsIdempotent() throws Exception {
        ProvisioningServiceClient dps = ServiceClients.dps();
        String groupId = "it-group-" + UUID.randomUUID().toString().substring(0, 8);
        EnrollmentGroup group = new EnrollmentGroup(groupId, new SymmetricKeyAttestation(null, null));
        var desired = new com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection();
        desired.put("mode", "eco");
        group.setInitialTwin(new TwinState(null, desired));
        EnrollmentGroup created = dps.createOrUpdateEnrollmentGroup(group);
        AttestationMechanism mechanism = dps.getEnrollmentGroupAttestationMechanism(groupId);
        assertThat(mechanism).isNotNull();
        String groupKey = ((SymmetricKeyAttestation) created.getAttestation()).getPrimaryKey();

        String registrationId = groupId + "-sensor-1";
        String deviceKey = Devices.derivedKey(groupKey, registrationId);
        Devices.Outcome first = Devices.register(registrationId, deviceKey,
                ProvisioningDeviceClientTransportProtocol.HTTPS, "{\"model\":\"x1\"}");
        assertThat(first.error()).isNull();
        assertThat(first.result().getProvisioningDeviceClientStatus())
                .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
        assertThat(first.result().getDeviceId()).isEqualTo(registrationId);

        Devices.Outcome again = Devices.register(registrationId, deviceKey,
                ProvisioningDeviceClientTransportProtocol.HTTPS, null);
        assertThat(again.error()).isNull();
        assertThat(again.result().getIothubUri()).isEqualTo(first.result().getIothubUri());
        assertThat(again.result().getDeviceId()).isEqualTo(first.result().getDeviceId());

        var record = dps.getDeviceRegistrationState(registrationId);
        assertThat(record.getAssignedHub()).isEqualTo(MusterUnderTest.hub());
        assertThat(record.getDeviceId()).isEqualTo(registrationId);

        DeviceClient device = Devices.hubClient(first.result().getIothubUri(), registrationId, deviceKey,
                IotHubClientProtocol.MQTT);
        try {
            device.open(false);
            device.subscribeToDesiredProperties((t, ctx) -> { }, null);
            assertThat(TwinReads.get(device).getDesiredProperties().get("mode")).isEqualTo("eco");
        } finally {
            device.close();
        }
    }
}
