package dev.muster.hub.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTelemetryTest {
    private static final String PATH = "/devices/dev-1/messages/events";
    private static final byte[] BODY = {0, 1, 2, (byte) 0xff};

    @Test
    void theJavaSdksHeadersBecomeTheMessagesProperties() {
        // As JDEV HttpsIotHubConnection.sendMessage sets them (names as sent; HTTP compares them without case).
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("authorization", "SharedAccessSignature sr=x"),
                Map.entry("iothub-app-site", "hall-3"), Map.entry("iothub-app-Kind", "alarm"),
                Map.entry("iothub-messageid", "m-1"), Map.entry("iothub-correlationid", "c-1"),
                Map.entry("iothub-userid", "user"), Map.entry("iothub-contenttype", "application/json"),
                Map.entry("iothub-contentencoding", "utf-8"),
                Map.entry("iothub-creation-time-utc", "2026-12-03T10:00:00.000Z"),
                Map.entry("iothub-to", PATH), Map.entry("content-type", "binary/octet-stream"),
                Map.entry("User-Agent", "com.microsoft.azure.sdk.iot.iot-device-client/2.x"));

        EventContent c = HttpTelemetry.single(headers, BODY, PATH);

        assertThat(c.body()).isEqualTo(BODY);
        assertThat(c.applicationProperties()).containsExactly(Map.entry("site", "hall-3"), Map.entry("Kind", "alarm"),
                Map.entry("iothub-creation-time-utc", "2026-12-03T10:00:00.000Z"));
        assertThat(c.systemProperties()).containsExactly(Map.entry("message-id", "m-1"),
                Map.entry("correlation-id", "c-1"), Map.entry("user-id", "user"),
                Map.entry("content-type", "application/json"), Map.entry("content-encoding", "utf-8"));
    }

    @Test
    void nodesHeadersWithTheMessagesOwnToBesideTheRequestsDestination() {
        // NDEV http.ts: 'iothub-to' is the path, 'IoTHub-To' the message's to; both are sent.
        List<Map.Entry<String, String>> headers = List.of(Map.entry("iothub-to", PATH),
                Map.entry("iothub-app-temperature", "21"), Map.entry("IoTHub-MessageId", "m-2"),
                Map.entry("IoTHub-CorrelationId", "c-2"), Map.entry("IoTHub-To", "/elsewhere"),
                Map.entry("IoTHub-Expiry", "2026-12-04T00:00:00.000Z"));

        EventContent c = HttpTelemetry.single(headers, BODY, PATH);

        assertThat(c.applicationProperties()).containsExactly(Map.entry("temperature", "21"));
        assertThat(c.systemProperties()).containsEntry("message-id", "m-2").containsEntry("correlation-id", "c-2")
                .containsEntry("to", "/elsewhere").containsEntry("absolute-expiry-time", "2026-12-04T00:00:00.000Z");
    }

    @Test
    void aJavaBatchCarriesBase64BodiesAndHeaderNamedProperties() {
        String b64 = Base64.getEncoder().encodeToString(BODY);
        String json = "[{\"body\":\"" + b64 + "\",\"base64Encoded\":true,\"properties\":{\"iothub-app-k\":\"v\","
                + "\"iothub-messageid\":\"m-1\"}},{\"body\":\"" + Base64.getEncoder().encodeToString(
                        "two".getBytes(StandardCharsets.UTF_8)) + "\",\"base64Encoded\":true}]";

        List<EventContent> batch = HttpTelemetry.batch(json, PATH);

        assertThat(batch).hasSize(2);
        assertThat(batch.get(0).body()).isEqualTo(BODY);
        assertThat(batch.get(0).applicationProperties()).containsExactly(Map.entry("k", "v"));
        assertThat(batch.get(0).systemProperties()).containsExactly(Map.entry("message-id", "m-1"));
        assertThat(new String(batch.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(batch.get(1).applicationProperties()).isEmpty();
    }

    @Test
    void aNodeBatchWithoutTheBase64FlagIsReadAsBase64AndAFalseFlagAsText() {
        String json = "[{\"body\":\"" + Base64.getEncoder().encodeToString(BODY)
                + "\",\"properties\":{\"iothub-app-n\":\"1\"}},{\"body\":\"plain\",\"base64Encoded\":false}]";

        List<EventContent> batch = HttpTelemetry.batch(json, PATH);

        assertThat(batch.get(0).body()).isEqualTo(BODY);
        assertThat(batch.get(0).applicationProperties()).containsExactly(Map.entry("n", "1"));
        assertThat(new String(batch.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("plain");
    }

    @Test
    void aBatchThatIsNoArrayOfMessagesIsRefused() {
        for (String bad : List.of("{}", "[]", "not json", "[1]", "[{\"body\":\"***\"}]")) {
            assertThatThrownBy(() -> HttpTelemetry.batch(bad, PATH)).as(bad)
                    .isInstanceOfSatisfying(HubError.class,
                            e -> assertThat(e.code()).isEqualTo(HubErrorCode.ARGUMENT_INVALID));
        }
    }

    @Test
    void theBatchContentTypeIsRecognisedWithParameters() {
        assertThat(HttpTelemetry.isBatch("application/vnd.microsoft.iothub.json")).isTrue();
        assertThat(HttpTelemetry.isBatch("Application/vnd.microsoft.iothub.json; charset=utf-8")).isTrue();
        assertThat(HttpTelemetry.isBatch("binary/octet-stream")).isFalse();
        assertThat(HttpTelemetry.isBatch(null)).isFalse();
    }
}
