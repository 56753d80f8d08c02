package dev.muster.hub.routing.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.OutboxEntry;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private LocalWebhook hook;

    @BeforeEach
    void startReceiver() throws Exception {
        hook = new LocalWebhook();
    }

    @AfterEach
    void stopReceiver() throws Exception {
        hook.close();
    }

    private static OutboxEntry entry(byte[] body, Map<String, String> app, Map<String, String> sys) {
        return new OutboxEntry("hub", "hook", 7, Instant.now(), 0, Instant.now(), null, new EventContent(body, app, sys));
    }

    private DeliveryResult post(URI url, OutboxEntry entry) throws Exception {
        WebhookEndpoint endpoint = new WebhookEndpoint("hook", url, Map.of("Authorization", "Bearer s3cret"), 3);
        return new WebhookSender(http, endpoint, Duration.ofSeconds(2), 4).send(entry).get();
    }

    @Test
    void theBodyIsPostedUnchangedWithTheContentTypeAndPropertiesAsHeaders() throws Exception {
        byte[] body = {0, 1, (byte) 0xff, '{', '}'};
        Map<String, String> app = new LinkedHashMap<>();
        app.put("kind", "alarm");
        app.put("city", "Zürich 100%");
        Map<String, String> sys = new LinkedHashMap<>();
        sys.put("iothub-connection-device-id", "dev-1");
        sys.put("message-id", "m-1");
        sys.put("content-type", "application/json");
        sys.put("content-encoding", "utf-8");

        assertThat(post(hook.url("/in"), entry(body, app, sys))).isEqualTo(DeliveryResult.DELIVERED);

        LocalWebhook.Received r = hook.received.get(0);
        assertThat(r.path()).isEqualTo("/in");
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(r.headers().get("iothub-app-kind")).isEqualTo("alarm");
        assertThat(r.headers().get("iothub-app-city")).isEqualTo("Z%C3%BCrich 100%25");
        assertThat(r.headers().get("iothub-connection-device-id")).isEqualTo("dev-1");
        assertThat(r.headers().get("iothub-message-id")).isEqualTo("m-1");
        assertThat(r.headers().get("iothub-content-encoding")).isEqualTo("utf-8");
        assertThat(r.headers().get("Content-Encoding")).as("HTTP's Content-Encoding means compression").isNull();
        assertThat(r.headers().get("iothub-content-type")).isNull();
        assertThat(r.headers().get("Authorization")).isEqualTo("Bearer s3cret");
    }

    @Test
    void aMessageWithoutContentTypeIsSentAsOctetStream() throws Exception {
        post(hook.url("/"), entry("x".getBytes(StandardCharsets.UTF_8), Map.of(), Map.of()));
        assertThat(hook.received.get(0).headers().get("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void successRetryAndRejectionFollowTheStatus() throws Exception {
        OutboxEntry e = entry(new byte[0], Map.of(), Map.of());
        for (int status : new int[] {200, 201, 204}) {
            hook.answer(() -> status);
            assertThat(post(hook.url("/"), e)).as("HTTP %d", status).isEqualTo(DeliveryResult.DELIVERED);
        }
        for (int status : new int[] {408, 429, 500, 502, 503}) {
            hook.answer(() -> status);
            assertThat(post(hook.url("/"), e)).as("HTTP %d", status).isInstanceOf(DeliveryResult.Retry.class);
        }
        for (int status : new int[] {301, 400, 401, 403, 404, 413}) {
            hook.answer(() -> status);
            assertThat(post(hook.url("/"), e)).as("HTTP %d", status).isInstanceOf(DeliveryResult.Rejected.class)
                    .extracting(r -> ((DeliveryResult.Rejected) r).error()).asString().contains("HTTP " + status);
        }
    }

    @Test
    void aReceiverThatIsDownOrTooSlowIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        OutboxEntry e = entry(new byte[0], Map.of(), Map.of());
        assertThat(post(URI.create("http://127.0.0.1:" + closedPort + "/"), e))
                .isInstanceOf(DeliveryResult.Retry.class);

        hook.delay(4_000);
        assertThat(post(hook.url("/"), e)).isInstanceOf(DeliveryResult.Retry.class)
                .extracting(r -> ((DeliveryResult.Retry) r).error()).asString().contains("in time");
    }

    @Test
    void aConfiguredHeaderTheClientCannotSendDeadLettersTheEntry() throws Exception {
        WebhookEndpoint endpoint = new WebhookEndpoint("hook", hook.url("/"), Map.of("Host", "elsewhere"), 3);
        DeliveryResult r = new WebhookSender(http, endpoint, Duration.ofSeconds(2), 4)
                .send(entry(new byte[0], Map.of(), Map.of())).get();
        assertThat(r).isInstanceOf(DeliveryResult.Rejected.class);
        assertThat(hook.received).isEmpty();
    }
}
