package dev.muster.core.registration;

import dev.muster.core.allocation.AllocationFailure;
import dev.muster.core.device.DeviceRegistrationState;
import java.util.Map;

/**
 * The short, stable name a failed registration attempt is counted under in usage ({@code failures}): a category,
 * never a device's details (those stay in the operation's failure detail).
 */
public final class FailureReason {
    public static final String QUOTA_EXCEEDED = "quotaExceeded";
    public static final String DISABLED = "enrollmentDisabled";

    private static final Map<Integer, String> BY_CODE = Map.of(
            401002, "unauthorized",
            400209, "hubRefusedCredentials",
            500201, "hubUnavailable",
            AllocationFailure.NO_HUB, "noHubAvailable",
            AllocationFailure.WEBHOOK_NOT_CONFIGURED, "webhookNotConfigured",
            AllocationFailure.WEBHOOK_UNREACHABLE, "webhookUnreachable",
            AllocationFailure.WEBHOOK_TIMEOUT, "webhookTimeout",
            AllocationFailure.WEBHOOK_HTTP_STATUS, "webhookError",
            AllocationFailure.WEBHOOK_INVALID_RESPONSE, "webhookInvalidResponse",
            AllocationFailure.WEBHOOK_HUB_NOT_LINKED, "webhookHubNotLinked");

    private FailureReason() {}

    public static String of(DeviceRegistrationState state) {
        if (DeviceRegistrationState.DISABLED.equals(state.status())) {
            return DISABLED;
        }
        Integer code = state.errorCode();
        if (code == null) {
            return "failed";
        }
        return BY_CODE.getOrDefault(code, "error" + code);
    }
}
