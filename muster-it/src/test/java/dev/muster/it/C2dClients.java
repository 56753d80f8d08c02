package dev.muster.it;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/** The official Java clients of cloud-to-device messaging, pointed at a Muster hub and trusting its CA. */
final class C2dClients {
    private C2dClients() {}

    /** An open {@code MessagingClient} (AMQPS) of the hub in {@code connectionString}. */
    static MessagingClient messaging(String connectionString, SSLContext trust) throws Exception {
        return messaging(connectionString, trust, IotHubServiceClientProtocol.AMQPS);
    }

    /** The same over {@code protocol} (AMQPS, or AMQPS_WS: AMQP over a WebSocket on 443). */
    static MessagingClient messaging(String connectionString, SSLContext trust, IotHubServiceClientProtocol protocol)
            throws Exception {
        MessagingClient client = new MessagingClient(connectionString, protocol,
                MessagingClientOptions.builder().sslContext(trust).build());
        client.open();
        return client;
    }

    /** A started feedback processor answering each batch with {@code answer}; every record it saw goes to {@code seen}. */
    static MessageFeedbackProcessorClient feedback(String connectionString, SSLContext trust,
                                                   BlockingQueue<FeedbackRecord> seen,
                                                   Function<FeedbackBatch, AcknowledgementType> answer)
            throws Exception {
        MessageFeedbackProcessorClient client = new MessageFeedbackProcessorClient(connectionString,
                IotHubServiceClientProtocol.AMQPS, batch -> {
                    seen.addAll(batch.getRecords() == null ? List.of() : batch.getRecords());
                    return answer.apply(batch);
                }, MessageFeedbackProcessorClientOptions.builder().sslContext(trust).build());
        client.start();
        return client;
    }

    /** A device client that hands every cloud-to-device message to {@code received} and completes it. */
    static DeviceClient receivingDevice(String hub, String deviceId, String key, IotHubClientProtocol protocol,
                                        SSLContext trust,
                                        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received) {
        DeviceClient device = new DeviceClient("HostName=" + hub + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key,
                protocol, ClientOptions.builder().sslContext(trust).build());
        device.setMessageCallback((message, context) -> {
            received.add(message);
            return com.microsoft.azure.sdk.iot.device.IotHubMessageResult.COMPLETE;
        }, null);
        return device;
    }

    static <T> BlockingQueue<T> queue() {
        return new LinkedBlockingQueue<>();
    }
}
