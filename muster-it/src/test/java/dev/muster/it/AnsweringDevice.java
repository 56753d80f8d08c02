package dev.muster.it;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import dev.muster.core.Json;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device of a built-in hub as the official Java device client runs it over MQTT, for operator tools to talk to: it
 * answers every direct method with status 201 and {@code {"called": name, "with": payload.delay}}, and completes and
 * keeps every cloud-to-device message it receives.
 */
final class AnsweringDevice implements AutoCloseable {
    private final DeviceClient client;
    private final BlockingQueue<Message> received = new LinkedBlockingQueue<>();

    private AnsweringDevice(DeviceClient client) {
        this.client = client;
    }

    static AnsweringDevice connect(String hub, String deviceId, String key) throws Exception {
        AnsweringDevice device = new AnsweringDevice(Devices.hubClient(hub, deviceId, key, IotHubClientProtocol.MQTT));
        device.client.setMessageCallback((message, context) -> {
            device.received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        device.client.open(true);
        device.client.subscribeToMethods((name, payload, context) -> new DirectMethodResponse(201,
                Map.of("called", name, "with", Json.tree(payload.getPayloadAsJsonString()).path("delay").asInt())),
                null);
        return device;
    }

    /** The next message the device received, or null after the wait. */
    Message nextMessage(int seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
    }
}
