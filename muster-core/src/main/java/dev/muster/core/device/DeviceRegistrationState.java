package dev.muster.core.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The registration record (service API) and {@code registrationState} of a device's result (device API).
 * Created automatically by registration, deletable, never updated through the API.
 */
public record DeviceRegistrationState(
        String registrationId,
        String createdDateTimeUtc,
        String assignedHub,
        String deviceId,
        String status,
        String substatus,
        Integer errorCode,
        String errorMessage,
        String lastUpdatedDateTimeUtc,
        String etag,
        JsonNode payload,
        ObjectNode symmetricKey,
        ObjectNode x509,
        ObjectNode tpm) {

    public static final String ASSIGNED = "assigned";
    public static final String ASSIGNING = "assigning";
    public static final String FAILED = "failed";
    public static final String DISABLED = "disabled";
    public static final String UNASSIGNED = "unassigned";

    public static final String INITIAL_ASSIGNMENT = "initialAssignment";
    public static final String DEVICE_DATA_MIGRATED = "deviceDataMigrated";
    public static final String DEVICE_DATA_RESET = "deviceDataReset";
    /** No record of having provisioned the device, yet its hub already had it (Azure, API 2019-04-15 and later). */
    public static final String REPROVISIONED_TO_INITIAL = "reprovisionedToInitialAssignment";

    /** The enrollment group a device came through, or null for an individual enrollment. */
    public String enrollmentGroupId() {
        for (ObjectNode n : new ObjectNode[] {symmetricKey, x509, tpm}) {
            if (n != null && n.hasNonNull("enrollmentGroupId")) {
                return n.get("enrollmentGroupId").asText();
            }
        }
        return null;
    }
}
