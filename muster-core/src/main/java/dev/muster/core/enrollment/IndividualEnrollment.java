package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.device.DeviceRegistrationState;
import java.util.List;

/** One device's entry on the enrollment list (service API model, Azure field names). */
public record IndividualEnrollment(
        String registrationId,
        String deviceId,
        DeviceRegistrationState registrationState,
        JsonNode optionalDeviceInformation,
        AttestationMechanism attestation,
        DeviceCapabilities capabilities,
        String iotHubHostName,
        TwinState initialTwin,
        String etag,
        String provisioningStatus,
        ReprovisionPolicy reprovisionPolicy,
        String createdDateTimeUtc,
        String lastUpdatedDateTimeUtc,
        String allocationPolicy,
        List<String> iotHubs,
        CustomAllocationDefinition customAllocationDefinition) implements Enrollment {

    @Override
    public String id() {
        return registrationId;
    }

    @Override
    public boolean isGroup() {
        return false;
    }

    public IndividualEnrollment withStored(AttestationMechanism attestation, String status, String etag,
                                           String created, String updated, DeviceCapabilities capabilities,
                                           ReprovisionPolicy reprovisionPolicy) {
        return new IndividualEnrollment(registrationId, deviceId, null, optionalDeviceInformation, attestation,
                capabilities, iotHubHostName, initialTwin, etag, status, reprovisionPolicy, created, updated,
                allocationPolicy, iotHubs, customAllocationDefinition);
    }

    public IndividualEnrollment withRegistrationState(DeviceRegistrationState state) {
        return new IndividualEnrollment(registrationId, deviceId, state, optionalDeviceInformation, attestation,
                capabilities, iotHubHostName, initialTwin, etag, provisioningStatus, reprovisionPolicy,
                createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition);
    }

    public IndividualEnrollment withRegistrationId(String id) {
        return new IndividualEnrollment(id, deviceId, registrationState, optionalDeviceInformation, attestation,
                capabilities, iotHubHostName, initialTwin, etag, provisioningStatus, reprovisionPolicy,
                createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition);
    }
}
