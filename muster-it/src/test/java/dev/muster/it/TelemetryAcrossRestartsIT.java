package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.core.Ids;
import dev.muster.core.hub.events.EventStream;
import dev.muster.hub.events.EventIngest;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A Muster of its own (hub-only node on its own loopback address, its own data folder): every message a device
 * SDK was told was sent (MQTT PUBACK, AMQP accepted) is read by an Event Hubs consumer exactly once, across a restart
 * of the server between two bursts.
 */
class TelemetryAcrossRestartsIT {
    private static final String HUB = "127.0.22.1";
    private static final int PER_BURST = 25;

    @Test
    void noAcknowledgedMessageIsLostOrDoubledAcrossARestart() throws Exception {
        Path dir = Files.createTempDirectory("muster-d2c-restart-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).hubOnly(true)
                .hubHosts(List.of(HUB)).databasePoolSize(4).workerPoolSize(8).build();
        String id = "d2c-restart-1";
        String key = Ids.symmetricKey();
        SSLContext trust;
        String eventHubs;
        try (MusterServer first = new MusterServer(config)) {
            ConnectionInfo info = first.start();
            trust = TrustContexts.trusting(Path.of(info.caCertificate()));
            new HubRest(info.hubs().get(0).connectionString(), trust).createSasDevice(id, key);
            send(id, key, trust, IotHubClientProtocol.MQTT, "before");
            eventHubs = info.hubs().get(0).eventHubsCompatibleConnectionString();
        }
        try (MusterServer second = new MusterServer(config)) {
            second.start();
            send(id, key, trust, IotHubClientProtocol.AMQPS, "after");

            SSLContext previous = SSLContext.getDefault();
            SSLContext.setDefault(trust);
            try (EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(eventHubs)
                    .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(20)))
                    .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
                String partition = Integer.toString(EventIngest.partitionOf(id, EventStream.DEFAULT_PARTITIONS));
                List<String> bodies = new ArrayList<>();
                for (PartitionEvent e : consumer.receiveFromPartition(partition, 4 * PER_BURST,
                        EventPosition.earliest(), Duration.ofSeconds(10))) {
                    bodies.add(new String(e.getData().getBody(), StandardCharsets.UTF_8));
                }
                List<String> expected = new ArrayList<>();
                for (String burst : List.of("before", "after")) {
                    for (int i = 0; i < PER_BURST; i++) {
                        expected.add(burst + "-" + i);
                    }
                }
                assertThat(bodies).as("every acknowledged message once, in the order sent").isEqualTo(expected);
            } finally {
                SSLContext.setDefault(previous);
            }
        }
    }

    /** Sends a burst, each message acknowledged by the hub before the next (the SDK's synchronous send). */
    private static void send(String id, String key, SSLContext trust, IotHubClientProtocol protocol, String burst)
            throws Exception {
        DeviceClient device = new DeviceClient("HostName=" + HUB + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                protocol, ClientOptions.builder().sslContext(trust).build());
        device.open(true);
        try {
            for (int i = 0; i < PER_BURST; i++) {
                device.sendEvent(new Message(burst + "-" + i));
            }
        } finally {
            device.close();
        }
    }
}
