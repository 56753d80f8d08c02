package dev.muster.hub.c2d;

import java.time.Duration;

/**
 * IoT Hub's cloud-to-device limits (DOC-C2D): queue depth per device, message time to live, delivery attempts, how
 * long a device holds a message before it reappears, body size; and the same for the feedback queue.
 *
 * @param maxBodyBytes the largest message body; Azure's 64 KB
 */
public record CloudToDeviceLimits(int maxQueueDepth, Duration defaultTtl, Duration maxTtl, int maxDeliveryCount,
                                  Duration lockDuration, int maxBodyBytes, Duration feedbackTtl,
                                  int feedbackMaxDeliveryCount, Duration feedbackLockDuration, int feedbackBatchSize) {
    public static final CloudToDeviceLimits AZURE = new CloudToDeviceLimits(50, Duration.ofHours(1),
            Duration.ofDays(2), 10, Duration.ofMinutes(1), 64 * 1024, Duration.ofHours(1), 10, Duration.ofSeconds(60),
            64);
}
