package dev.muster.core.registration;

import dev.muster.core.device.DeviceRegistrationState;

/** Body of every device-API registration answer: operationId and status are mandatory for the SDKs. */
public record RegistrationOperationStatus(String operationId, String status, DeviceRegistrationState registrationState) {

    public boolean isTerminal() {
        return !DeviceRegistrationState.ASSIGNING.equals(status) && !DeviceRegistrationState.UNASSIGNED.equals(status);
    }
}
