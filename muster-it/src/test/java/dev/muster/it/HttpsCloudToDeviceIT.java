package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cloud-to-device messages received over HTTPS, as the Java SDK's HTTPS {@code DeviceClient} polls for them
 * ({@code GET …/messages/devicebound}, settled with {@code DELETE …/{etag}}, {@code ?reject} or {@code …/abandon}),
 * sent by the Java service {@code MessagingClient}.
 */
class HttpsCloudToDeviceIT {
    private final String hub = MusterUnderTest.hub();
    private final String hubConnectionString = MusterUnderTest.info().hubs().get(0).connectionString();
    private final HubRest rest = new HubRest(hubConnectionString);

    private int pendingCount(String deviceId) throws Exception {
        return Json.tree(rest.call("GET", "/devices/" + deviceId, null).body()).path("cloudToDeviceMessageCount")
                .asInt(-1);
    }

    @Test
    void theJavaHttpsClientReceivesCompletesRejectsAndAbandonsMessages() throws Exception {
        String key = Ids.symmetricKey();
        String id = rest.newSasDevice("https-c2d", key);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        List<com.microsoft.azure.sdk.iot.device.Message> messages = new ArrayList<>();
        DeviceClient device = new DeviceClient("HostName=" + hub + ";DeviceId=" + id + ";SharedAccessKey=" + key,
                IotHubClientProtocol.HTTPS, ClientOptions.builder().sslContext(MusterUnderTest.trust())
                .receiveInterval(200).build());
        device.setMessageCallback((m, ctx) -> {
            String body = new String(m.getBytes(), StandardCharsets.UTF_8);
            messages.add(m);
            received.add(body);
            if (body.equals("reject-me")) {
                return IotHubMessageResult.REJECT;
            }
            // the first delivery of "abandon-me" is given back; its second delivery is taken
            boolean firstAbandon = body.equals("abandon-me")
                    && messages.stream().filter(x -> new String(x.getBytes(), StandardCharsets.UTF_8)
                    .equals("abandon-me")).count() == 1;
            return firstAbandon ? IotHubMessageResult.ABANDON : IotHubMessageResult.COMPLETE;
        }, null);
        MessagingClient messaging = C2dClients.messaging(hubConnectionString, MusterUnderTest.trust());
        device.open(true);
        try {
            for (String body : List.of("complete-me", "reject-me", "abandon-me")) {
                Message m = new Message(body);
                m.setMessageId("id-" + body);
                m.setCorrelationId("corr-" + body);
                m.setProperties(Map.of("kind", "test"));
                m.setDeliveryAcknowledgement(DeliveryAcknowledgement.None);
                messaging.send(id, m);
            }
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String b = received.poll(20, TimeUnit.SECONDS);
                assertThat(b).as("delivery " + (i + 1) + " after " + seen).isNotNull();
                seen.add(b);
            }
            assertThat(seen).containsExactlyInAnyOrder("complete-me", "reject-me", "abandon-me", "abandon-me");
            com.microsoft.azure.sdk.iot.device.Message first = messages.get(0);
            assertThat(first.getMessageId()).isEqualTo("id-" + new String(first.getBytes(), StandardCharsets.UTF_8));
            assertThat(first.getCorrelationId()).startsWith("corr-");
            assertThat(first.getProperty("kind")).isEqualTo("test");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pendingCount(id) != 0 && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertThat(pendingCount(id)).as("every message settled").isZero();
            assertThat(received.poll(1, TimeUnit.SECONDS)).as("nothing delivered again").isNull();
        } finally {
            device.close();
            messaging.close();
        }
    }

    @Test
    void anEmptyQueueIs204AndASettlementWithoutItsLockIs412() throws Exception {
        String key = Ids.symmetricKey();
        String id = rest.newSasDevice("https-c2d-raw", key);
        String token = SasSigner.sign(hub + "/devices/" + id, key, null, Instant.now().getEpochSecond() + 600);
        HttpClient http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build();
        String base = "https://" + hub + "/devices/" + id + "/messages/devicebound";

        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + "?api-version=2020-09-30"))
                .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(204);
        HttpResponse<String> lost = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/6f1c2f3e-0000-4000-8000-000000000001?api-version=2020-09-30"))
                .header("Authorization", token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(lost.statusCode()).isEqualTo(412);
        assertThat(Json.tree(lost.body()).path("errorCode").asInt()).isEqualTo(412002);
        HttpResponse<String> stranger = http.send(HttpRequest.newBuilder(URI.create(base + "?api-version=2020-09-30"))
                .header("Authorization", SasSigner.sign(hub + "/devices/" + id, Ids.symmetricKey(), null,
                        Instant.now().getEpochSecond() + 600)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stranger.statusCode()).isEqualTo(401);
    }
}
