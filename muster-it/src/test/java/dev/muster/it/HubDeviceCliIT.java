package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code muster hub device …} against the test server's first hub, with the official Java device client on the
 * other end: show (connection state), method (answered by the device), send (received by the device over MQTT).
 */
class HubDeviceCliIT {
    private final String hub = MusterUnderTest.hub();
    private final HubRest rest = new HubRest(MusterUnderTest.info().hubs().get(0).connectionString());

    @Test
    void anOperatorSeesADeviceConnectedCallsItsMethodAndSendsItAMessage() throws Exception {
        String key = Ids.symmetricKey();
        String id = "cli-hub-" + UUID.randomUUID().toString().substring(0, 8);
        rest.createSasDevice(id, key);
        try (AnsweringDevice device = AnsweringDevice.connect(hub, id, key)) {
            CliIT.Run shown = CliIT.muster("hub", "device", "show", id, "-o", "json");
            assertThat(shown.exit()).as(shown.err()).isZero();
            assertThat(Json.tree(shown.out()).path("device").path("connectionState").asText()).isEqualTo("Connected");

            CliIT.Run called = CliIT.muster("hub", "device", "method", id, "reboot", "--payload", "{\"delay\":5}",
                    "-o", "json");
            assertThat(called.exit()).as(called.err()).isZero();
            JsonNode answer = Json.tree(called.out());
            assertThat(answer.path("status").asInt()).isEqualTo(201);
            assertThat(answer.path("payload").path("called").asText()).isEqualTo("reboot");
            assertThat(answer.path("payload").path("with").asInt()).isEqualTo(5);

            CliIT.Run sent = CliIT.muster("hub", "device", "send", id, "{\"led\":\"on\"}", "--property", "kind=command",
                    "--message-id", "cli-msg-1");
            assertThat(sent.exit()).as(sent.err()).isZero();
            Message m = device.nextMessage(15);
            assertThat(m).as("the message sent with the CLI").isNotNull();
            assertThat(new String(m.getBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"led\":\"on\"}");
            assertThat(m.getProperty("kind")).isEqualTo("command");
            assertThat(m.getMessageId()).isEqualTo("cli-msg-1");
        }
    }

    @Test
    void aMethodForADeviceThatIsNotConnectedFailsWithTheHubsReason() throws Exception {
        String id = "cli-hub-off-" + UUID.randomUUID().toString().substring(0, 8);
        rest.createSasDevice(id, Ids.symmetricKey());

        CliIT.Run called = CliIT.muster("hub", "device", "method", id, "reboot");

        assertThat(called.exit()).isEqualTo(4);
        assertThat(called.err()).contains("404103").contains("Timed out waiting for device to connect");
        CliIT.Run sent = CliIT.muster("hub", "device", "send", "no-such-" + id, "x");
        assertThat(sent.exit()).isEqualTo(4);
        assertThat(sent.err()).contains("not found");
    }
}
