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
        CustomAllocationDefinition customAllocationDefinition,
        String credentialPolicyName) implements Enrollment {

    /** An enrollment that names no credential policy (before service API 2025-07-01-preview). */
    public IndividualEnrollment(String registrationId, String deviceId, DeviceRegistrationState registrationState,
                                JsonNode optionalDeviceInformation, AttestationMechanism attestation,
                                DeviceCapabilities capabilities, String iotHubHostName, TwinState initialTwin,
                                String etag, String provisioningStatus, ReprovisionPolicy reprovisionPolicy,
                                String createdDateTimeUtc, String lastUpdatedDateTimeUtc, String allocationPolicy,
                                List<String> iotHubs, CustomAllocationDefinition customAllocationDefinition) {
        this(registrationId, deviceId, registrationState, optionalDeviceInformation, attestation, capabilities,
                iotHubHostName, initialTwin, etag, provisioningStatus, reprovisionPolicy, createdDateTimeUtc,
                lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition, null);
    }

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
                allocationPolicy, iotHubs, customAllocationDefinition, credentialPolicyName);
    }

    public IndividualEnrollment withRegistrationState(DeviceRegistrationState state) {
        return new IndividualEnrollment(registrationId, deviceId, state, optionalDeviceInformation, attestation,
                capabilities, iotHubHostName, initialTwin, etag, provisioningStatus, reprovisionPolicy,
                createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition, credentialPolicyName);
    }

    public IndividualEnrollment withRegistrationId(String id) {
        return new IndividualEnrollment(id, deviceId, registrationState, optionalDeviceInformation, attestation,
                capabilities, iotHubHostName, initialTwin, etag, provisioningStatus, reprovisionPolicy,
                createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs, customAllocationDefinition, credentialPolicyName);
    }
}
