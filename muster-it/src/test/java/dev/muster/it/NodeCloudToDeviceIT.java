package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.muster.core.Ids;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node service SDK's hub client ({@code azure-iothub} 1.16.6 {@code Client}: open, send, getFeedbackReceiver)
 * against the hub's AMQP endpoint, unchanged (it connects without SASL and authenticates by CBS), with a Java device
 * on MQTT completing the message. Its package lives in src/test/node-service.
 */
class NodeCloudToDeviceIT {
    private static final NodePackage PACKAGE = new NodePackage("node-service");

    @BeforeAll
    static void installPackages() {
        PACKAGE.install();
    }

    @Test
    void theNodeClientSendsAMessageAndReceivesItsFeedback() throws Exception {
        String connectionString = MusterUnderTest.info().hubs().get(0).connectionString();
        String key = Ids.policyKey();
        String id = "c2d-node-" + UUID.randomUUID().toString().substring(0, 8);
        new HubRest(connectionString).createSasDevice(id, key);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = C2dClients.queue();
        DeviceClient device = C2dClients.receivingDevice(MusterUnderTest.hub(), id, key, IotHubClientProtocol.MQTT,
                MusterUnderTest.trust(), received);
        String messageId = UUID.randomUUID().toString();
        try {
            device.open(false);
            JsonNode out = PACKAGE.run(List.of("node", "c2d.js", connectionString, id, messageId), 90).lastJson();

            assertThat(out.has("error")).as(out.toString()).isFalse();
            assertThat(out.path("unknownDevice").asText()).isEqualTo("DeviceNotFoundError");
            JsonNode feedback = out.path("feedback");
            assertThat(feedback.path("originalMessageId").asText()).as("a UUID message id comes back as its text")
                    .isEqualTo(messageId);
            assertThat(feedback.path("statusCode").asText()).isEqualTo("Success");
            assertThat(feedback.path("deviceId").asText()).isEqualTo(id);
            assertThat(out.path("contentType").asText()).isEqualTo("application/vnd.microsoft.iothub.feedback.json");

            com.microsoft.azure.sdk.iot.device.Message got = received.poll(10, TimeUnit.SECONDS);
            assertThat(got).isNotNull();
            assertThat(new String(got.getBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from node");
            assertThat(got.getMessageId()).isEqualTo(messageId);
            assertThat(got.getProperty("source")).isEqualTo("node");
        } finally {
            device.close();
        }
    }
}
