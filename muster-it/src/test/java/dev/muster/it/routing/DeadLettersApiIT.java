package dev.muster.it.routing;

import static dev.muster.it.routing.OutboxUnderTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.it.MusterUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter service API on a hub host of a running Muster: a webhook that refuses a message leaves it listed
 * under {@code GET /routing/deadletters}, {@code POST /routing/deadletters/replay} delivers it, the backlog shows in
 * {@code /metrics}, and the API wants the hub's credentials and IoT Hub's error shape for bad input.
 */
class DeadLettersApiIT {
    private final AtomicInteger status = new AtomicInteger(400);
    private final AtomicInteger calls = new AtomicInteger();
    private WebhookReceiver receiver;
    private HttpClient http;
    private ConnectionString cs;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver("/hook");
        receiver.answer(() -> {
            calls.incrementAndGet();
            return status.get();
        });
        http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).connectTimeout(Duration.ofSeconds(5)).build();
        cs = ConnectionString.parse(MusterUnderTest.info().hubs().get(0).connectionString());
        WebhookEndpoint hook = new WebhookEndpoint("api-hook",
                receiver.url(), Map.of(), 3);
        MusterUnderTest.server().endpointSource(() -> Map.of(cs.hostName(), List.of(hook)));
    }

    @AfterEach
    void stop() {
        MusterUnderTest.server().endpointSource(null);
        receiver.close();
    }

    private HttpResponse<String> call(String method, String path, String body, boolean signed) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + cs.hostName() + path))
                .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (signed) {
            b.header("Authorization", SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(),
                    Instant.now().getEpochSecond() + 600));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode deadLetters() throws Exception {
        HttpResponse<String> r = call("GET", "/routing/deadletters?endpoint=api-hook&top=10", null, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    @Test
    void aRefusedMessageIsListedAndReplayDeliversIt() throws Exception {
        MusterUnderTest.server().endpointOutbox().enqueue(cs.hostName(), "api-hook", Instant.now(),
                List.of(OutboxUnderTest.telemetry("api-dev", 1)));

        await(Duration.ofSeconds(20), () -> {
            try {
                return deadLetters().size() == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the refused message is a dead letter");
        JsonNode dead = deadLetters().get(0);
        assertThat(dead.path("endpoint").asText()).isEqualTo("api-hook");
        assertThat(dead.path("lastError").asText()).contains("HTTP 400");
        assertThat(dead.path("systemProperties").path("iothub-connection-device-id").asText()).isEqualTo("api-dev");
        assertThat(dead.path("bodyBase64").asText()).isEqualTo(java.util.Base64.getEncoder()
                .encodeToString("{\"n\":1}".getBytes()));
        assertThat(calls.get()).isEqualTo(1);

        status.set(200);
        HttpResponse<String> replay = call("POST", "/routing/deadletters/replay",
                "{\"ids\":[" + dead.path("id").asLong() + "]}", true);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(Json.tree(replay.body()).path("replayed").asInt()).isEqualTo(1);

        await(Duration.ofSeconds(20), () -> calls.get() == 2, "the replayed message is delivered");
        assertThat(deadLetters()).isEmpty();
        await(Duration.ofSeconds(10), () -> {
            try {
                return MusterUnderTest.metrics().lines().anyMatch(l -> l.startsWith("muster_endpoint_backlog{")
                        && l.contains("endpoint=\"api-hook\""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the endpoint's backlog gauge is in /metrics");
    }

    @Test
    void theApiWantsTheHubsCredentialsAndRefusesBadInputInIotHubsShape() throws Exception {
        HttpResponse<String> unsigned = call("GET", "/routing/deadletters", null, false);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(unsigned.headers().firstValue("iothub-errorcode")).hasValue("IotHubUnauthorizedAccess");

        HttpResponse<String> badTop = call("GET", "/routing/deadletters?top=5000", null, true);
        assertThat(badTop.statusCode()).isEqualTo(400);
        assertThat(Json.tree(badTop.body()).path("errorCode").asInt()).isEqualTo(400004);

        HttpResponse<String> noIds = call("POST", "/routing/deadletters/replay", "{\"ids\":[]}", true);
        assertThat(noIds.statusCode()).isEqualTo(400);
        assertThat(noIds.headers().firstValue("iothub-errorcode")).hasValue("ArgumentInvalid");
    }
}
