package dev.muster.core.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

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
        ObjectNode tpm,
        List<String> issuedCertificateChain) {

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

    /** Before certificate issuance (2025-07-01-preview): no issued chain. */
    public DeviceRegistrationState(String registrationId, String createdDateTimeUtc, String assignedHub, String deviceId,
                                   String status, String substatus, Integer errorCode, String errorMessage,
                                   String lastUpdatedDateTimeUtc, String etag, JsonNode payload, ObjectNode symmetricKey,
                                   ObjectNode x509, ObjectNode tpm) {
        this(registrationId, createdDateTimeUtc, assignedHub, deviceId, status, substatus, errorCode, errorMessage,
                lastUpdatedDateTimeUtc, etag, payload, symmetricKey, x509, tpm, null);
    }

    /**
     * This state with the chain issued for the device's CSR (base64 DER, leaf first, root last): only in the register
     * answer and operation polling, never in the stored record or the status look-up.
     */
    public DeviceRegistrationState withIssuedCertificateChain(List<String> chain) {
        return new DeviceRegistrationState(registrationId, createdDateTimeUtc, assignedHub, deviceId, status, substatus,
                errorCode, errorMessage, lastUpdatedDateTimeUtc, etag, payload, symmetricKey, x509, tpm,
                chain == null ? null : List.copyOf(chain));
    }

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
