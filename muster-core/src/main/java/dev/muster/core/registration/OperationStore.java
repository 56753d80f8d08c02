package dev.muster.core.registration;

import java.util.List;
import java.util.Optional;

public interface OperationStore {
    void saveOperation(String instance, RegistrationOperation operation);

    Optional<RegistrationOperation> operation(String instance, String operationId);

    /** Most recent failed attempts first, for operators (registration show, portal). */
    List<RegistrationOperation> failedOperations(String instance, String registrationId, int limit);

    /** The instance's most recent failed attempts of any device, newest first (usage failures). */
    List<RegistrationOperation> recentFailures(String instance, int limit);
}
