package dev.muster.core.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;
import java.util.List;

/**
 * Everything a hub choice depends on.
 *
 * @param instanceAllocationPolicy the instance's default policy ({@code ProvisioningInstance.allocationPolicy})
 * @param enrollment the enrollment (individual or group) the device proved it belongs to
 * @param registrationId the device's registration ID
 * @param devicePayload the {@code payload} the device sent with its registration (any JSON), or null
 * @param current the device's current assignment when it re-registers, or null on a first registration
 * @param linkedHubs every hub linked to the instance
 */
public record AllocationContext(String instanceAllocationPolicy, Enrollment enrollment, String registrationId,
                                JsonNode devicePayload, CurrentAssignment current, List<LinkedHub> linkedHubs) {

    /** Where a re-registering device is now ({@code currentIotHubHostName}, {@code currentDeviceId} in §8). */
    public record CurrentAssignment(String hubHostName, String deviceId) {}

    public AllocationPolicy policy() {
        return AllocationPolicy.effective(instanceAllocationPolicy, enrollment.allocationPolicy());
    }

    /** "the enrollment's" or "the instance's default", for messages. */
    String policySource() {
        return AllocationPolicy.parse(enrollment.allocationPolicy()).isPresent()
                ? (enrollment.isGroup() ? "the enrollment group's" : "the enrollment's")
                : "the provisioning service's default";
    }
}
