package dev.muster.core.hub;

import java.time.Instant;

/**
 * A cloud-to-device message in a device's queue (IoT Hub's C2D lifecycle: enqueued, locked while a device holds it,
 * then completed, abandoned back to the queue or dead-lettered).
 *
 * @param id the hub's own identifier of the queue entry (also the lock's subject); not the sender's message-id
 * @param sequence position in the queue, assigned by the store on enqueue (0 before)
 * @param deviceGenerationId the device's generationId when the message was sent (feedback names it)
 * @param deliveryCount how often it was handed out and explicitly abandoned
 * @param lockToken who holds it now; null while it is visible in the queue
 */
public record CloudToDeviceMessage(DeviceQueue queue, String id, long sequence, CloudToDeviceContent content,
                                   String deviceGenerationId, Instant enqueuedAt, Instant expiresAt,
                                   int deliveryCount, String lockToken) {

    public boolean expiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    public CloudToDeviceMessage lockedBy(String token, long storedSequence) {
        return new CloudToDeviceMessage(queue, id, storedSequence, content, deviceGenerationId, enqueuedAt, expiresAt,
                deliveryCount, token);
    }
}
