package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import dev.muster.core.Ids;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * A Muster of its own (a hub-only node on its own loopback address, the SDKs' fixed ports, its own data folder):
 * a cloud-to-device message queued before a restart reaches the device after it.
 */
class CloudToDeviceAcrossRestartsIT {
    private static final String HUB = "127.0.21.1";

    @Test
    void aQueuedMessageSurvivesARestartAndIsDeliveredAfterIt() throws Exception {
        Path dir = Files.createTempDirectory("muster-c2d-restart-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).hubOnly(true)
                .hubHosts(List.of(HUB)).databasePoolSize(4).workerPoolSize(8).build();
        String id = "c2d-restart-1";
        String key = Ids.policyKey();
        SSLContext trust;
        try (MusterServer first = new MusterServer(config)) {
            ConnectionInfo info = first.start();
            trust = TrustContexts.trusting(Path.of(info.caCertificate()));
            String cs = info.hubs().get(0).connectionString();
            new HubRest(cs, trust).createSasDevice(id, key);
            MessagingClient messaging = C2dClients.messaging(cs, trust);
            try {
                Message m = new Message("kept across the restart");
                m.setMessageId("restart-1");
                m.setProperties(Map.of("phase", "before"));
                m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
                messaging.send(id, m);
            } finally {
                messaging.close();
            }
        }
        try (MusterServer second = new MusterServer(config)) {
            second.start();
            BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = C2dClients.queue();
            DeviceClient device = C2dClients.receivingDevice(HUB, id, key, IotHubClientProtocol.MQTT, trust, received);
            try {
                device.open(false);
                com.microsoft.azure.sdk.iot.device.Message got = received.poll(30, TimeUnit.SECONDS);
                assertThat(got).as("the message queued before the restart").isNotNull();
                assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("kept across the restart");
                assertThat(got.getMessageId()).isEqualTo("restart-1");
                assertThat(got.getProperty("phase")).isEqualTo("before");
            } finally {
                device.close();
            }
        }
    }
}
