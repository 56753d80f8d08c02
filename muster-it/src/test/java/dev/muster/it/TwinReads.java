package dev.muster.it;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a device's twin through the Azure device SDK and waits for the hub's answer. Not {@code DeviceClient.getTwin}:
 * in iot-device-client 2.5.0 its response callback can be lost although the answer arrived (the race described in
 * {@link ReportedProperties}); seen over AMQP about once in six reads when the hub answered within milliseconds. The
 * "response acknowledged" callback carries the same received answer and is never skipped.
 */
final class TwinReads {
    private TwinReads() {}

    static Twin get(com.microsoft.azure.sdk.iot.device.InternalClient device) throws Exception {
        CompletableFuture<Twin> answered = new CompletableFuture<>();
        device.getTwinAsync(new GetTwinCorrelatingMessageCallback() {
            @Override
            public void onRequestQueued(Message message, Object context) { }

            @Override
            public void onRequestSent(Message message, Object context) { }

            @Override
            public void onRequestAcknowledged(Message message, Object context, IotHubClientException e) {
                if (e != null) {
                    answered.completeExceptionally(e);
                }
            }

            @Override
            public void onResponseReceived(Twin twin, Message message, Object context, IotHubStatusCode status,
                                           IotHubClientException e) {
                if (e != null) {
                    answered.completeExceptionally(e);
                } else {
                    answered.complete(twin);
                }
            }

            @Override
            public void onResponseAcknowledged(Message message, Object context) {
                answered.complete(Twin.createFromPropertiesJson(new String(message.getBytes(),
                        StandardCharsets.UTF_8)));
            }
        }, null);
        return answered.get(30, TimeUnit.SECONDS);
    }
}
