package dev.muster.core.hub;

import java.util.Map;

/**
 * What the sending service put in a cloud-to-device message, kept as it arrived and handed to the device unchanged
 * (reference §2.3). Only the body and the properties the device sees; queue bookkeeping is in
 * {@link CloudToDeviceMessage}.
 *
 * @param messageId the sender's message-id as text (a UUID sent as an AMQP uuid becomes its canonical text)
 * @param ack the {@code iothub-ack} property as sent (none, positive, negative, full, or Java's spellings); null = none
 * @param properties application properties, string-valued, in the sender's order
 */
public record CloudToDeviceContent(String messageId, String correlationId, String userId, String to,
                                   String contentType, String contentEncoding, String ack,
                                   Map<String, String> properties, byte[] body) {
    public CloudToDeviceContent {
        properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(properties));
        body = body == null ? new byte[0] : body;
    }
}
