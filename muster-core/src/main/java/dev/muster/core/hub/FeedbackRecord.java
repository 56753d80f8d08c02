package dev.muster.core.hub;

import java.time.Instant;

/**
 * One record of IoT Hub's delivery feedback (reference §2.4), as the feedback batch body carries it.
 *
 * @param statusCode Success, Expired, DeliveryCountExceeded, Rejected or Purged
 * @param enqueuedTimeUtc when the outcome happened
 */
public record FeedbackRecord(String originalMessageId, Instant enqueuedTimeUtc, String statusCode,
                             String description, String deviceId, String deviceGenerationId) {
}
