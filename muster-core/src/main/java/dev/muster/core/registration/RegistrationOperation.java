package dev.muster.core.registration;

import java.time.Instant;

/**
 * One register attempt, as the device polls it, plus the operator-only detail of why it failed.
 */
public record RegistrationOperation(String operationId, String registrationId, RegistrationOperationStatus result,
                                    String failureDetail, Instant createdAt) {}
