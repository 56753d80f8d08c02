package dev.muster.core.enrollment;

import java.util.List;

/** Many devices sharing one attestation (service API model, Azure field names). */
public record EnrollmentGroup(
        String enrollmentGroupId,
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

    /** A group that names no credential policy (before service API 2025-07-01-preview). */
    public EnrollmentGroup(String enrollmentGroupId, AttestationMechanism attestation, DeviceCapabilities capabilities,
                           String iotHubHostName, TwinState initialTwin, String etag, String provisioningStatus,
                           ReprovisionPolicy reprovisionPolicy, String createdDateTimeUtc, String lastUpdatedDateTimeUtc,
                           String allocationPolicy, List<String> iotHubs,
                           CustomAllocationDefinition customAllocationDefinition) {
        this(enrollmentGroupId, attestation, capabilities, iotHubHostName, initialTwin, etag, provisioningStatus,
                reprovisionPolicy, createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy, iotHubs,
                customAllocationDefinition, null);
    }

    @Override
    public String id() {
        return enrollmentGroupId;
    }

    @Override
    public boolean isGroup() {
        return true;
    }

    @Override
    public String deviceId() {
        return null;
    }

    public EnrollmentGroup withStored(AttestationMechanism attestation, String status, String etag,
                                      String created, String updated, DeviceCapabilities capabilities,
                                      ReprovisionPolicy reprovisionPolicy) {
        return new EnrollmentGroup(enrollmentGroupId, attestation, capabilities, iotHubHostName, initialTwin, etag,
                status, reprovisionPolicy, created, updated, allocationPolicy, iotHubs, customAllocationDefinition,
                credentialPolicyName);
    }

    public EnrollmentGroup withId(String id) {
        return new EnrollmentGroup(id, attestation, capabilities, iotHubHostName, initialTwin, etag,
                provisioningStatus, reprovisionPolicy, createdDateTimeUtc, lastUpdatedDateTimeUtc, allocationPolicy,
                iotHubs, customAllocationDefinition, credentialPolicyName);
    }
}
