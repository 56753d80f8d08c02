package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a device's reported-properties patch through the Azure device SDK and waits for the hub's answer.
 *
 * <p>Why not {@code DeviceClient.updateReportedProperties}: in iot-device-client 2.5.0 its response callback can be
 * lost although the hub's answer arrived (Azure/azure-iot-sdk-java issue 1803: {@code IotHubTransport} queues the
 * answer for its receive thread before looking up the waiting request, and that thread may remove the request first).
 * Under CPU load that made our tests wait 60 s for an answer Muster had sent within milliseconds (seen in a server
 * log: PUBACK and {@code $iothub/twin/res/204/?$rid=…} sent on the live connection; the SDK received it and skipped
 * the callback). The SDK's "response acknowledged" callback comes from the same received answer and is never skipped,
 * so waiting for either still proves the hub answered, with the status it sent.
 */
final class ReportedProperties {
    private ReportedProperties() {}

    static void send(com.microsoft.azure.sdk.iot.device.InternalClient device, TwinCollection reported) throws Exception {
        CompletableFuture<IotHubStatusCode> answered = new CompletableFuture<>();
        device.updateReportedPropertiesAsync(reported, new ReportedPropertiesUpdateCorrelatingMessageCallback() {
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
            public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
                                           ReportedPropertiesUpdateResponse response, IotHubClientException e) {
                if (e != null) {
                    answered.completeExceptionally(e);
                } else {
                    answered.complete(status);
                }
            }

            @Override
            public void onResponseAcknowledged(Message message, Object context) {
                answered.complete(IotHubStatusCode.getIotHubStatusCode(
                        Integer.parseInt(((IotHubTransportMessage) message).getStatus())));
            }
        }, null);
        IotHubStatusCode status = answered.get(60, TimeUnit.SECONDS);
        assertThat(IotHubStatusCode.isSuccessful(status)).as("hub answered the reported-properties patch with " + status)
                .isTrue();
    }
}
