package dev.muster.core.registration;

import dev.muster.core.device.DeviceRegistrationState;
import java.time.Instant;

/**
 * One finished registration attempt of an instance, as operators watching a factory run see it: the outcome
 * ({@code assigned}, {@code failed}, {@code disabled}), where the device went, and for refusals the precise reason
 * (operator-only, never sent to the device).
 */
public record RegistrationEvent(String instance, String registrationId, String status, String assignedHub,
                                String deviceId, Integer errorCode, String reason, Instant timestamp,
                                String enrollmentGroupId) {

    static RegistrationEvent of(String instance, DeviceRegistrationState state, String reason, Instant at) {
        return new RegistrationEvent(instance, state.registrationId(), state.status(), state.assignedHub(),
                state.deviceId(), state.errorCode(), reason != null ? reason : state.errorMessage(), at,
                state.enrollmentGroupId());
    }
}
