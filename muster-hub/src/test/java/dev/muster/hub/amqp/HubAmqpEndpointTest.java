package dev.muster.hub.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.sas.SasSigner;
import dev.muster.core.testing.InMemoryCloudToDeviceStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ServiceAuthentication;
import dev.muster.hub.c2d.CloudToDeviceLimits;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import io.vertx.proton.ProtonServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's AMQP endpoint in process, driven by a plain AMQP client over loopback: what CBS answers, which links it
 * admits before and after a service token, and what a service sees on the devicebound and feedback links.
 */
class HubAmqpEndpointTest {
    private static final String HUB = "hub-one.muster.test";
    /** What the test client presented in TLS, as the listener reports it. */
    private static final java.security.cert.X509Certificate CLIENT_CERTIFICATE = dev.muster.core.x509.CertificateMaker
            .root("amqp-client", dev.muster.core.x509.CertificateMaker.keyPair(
                    dev.muster.core.x509.CertificateMaker.KeyType.EC_P256), Duration.ofDays(1));
    private static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore hubs = new InMemoryStore();
    private final InMemoryCloudToDeviceStore c2dStore = new InMemoryCloudToDeviceStore();
    private final BuiltInHub builtIn = BuiltInHub.create(hubs, clock);
    private final String policyKey = Ids.policyKey();
    private Vertx vertx;
    private CloudToDeviceQueue queue;
    private ProtonServer server;
    private ProtonConnection client;
    private HubAmqpEndpoint endpoint;

    @BeforeEach
    void start() throws Exception {
        hubs.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, policyKey, Ids.policyKey()));
        builtIn.devices().putDevice(HUB, HubDevice.of("dev-1", null, null), null);
        vertx = Vertx.vertx();
        Blocking blocking = new Blocking(vertx.createSharedWorkerExecutor("test-worker", 2));
        queue = new CloudToDeviceQueue(builtIn.devices(), c2dStore, clock, CloudToDeviceLimits.AZURE);
        endpoint = new HubAmqpEndpoint(queue, new CbsAuthorizer(
                new ServiceAuthentication(builtIn.devices(), clock), builtIn.authentication()), blocking, clock);
        CompletableFuture<ProtonServer> listening = new CompletableFuture<>();
        server = ProtonServer.create(vertx).connectHandler(c -> c.openHandler(ar ->
                endpoint.serve(c, new AmqpPeer(HUB, List.of(CLIENT_CERTIFICATE))))).listen(0, "127.0.0.1", ar -> {
            if (ar.succeeded()) {
                listening.complete(ar.result());
            } else {
                listening.completeExceptionally(ar.cause());
            }
        });
        listening.get(10, TimeUnit.SECONDS);
        CompletableFuture<ProtonConnection> opened = new CompletableFuture<>();
        ProtonClient.create(vertx).connect(new ProtonClientOptions().addEnabledSaslMechanism("ANONYMOUS"),
                "127.0.0.1", server.actualPort(), ar -> {
                    if (ar.failed()) {
                        opened.completeExceptionally(ar.cause());
                        return;
                    }
                    ProtonConnection c = ar.result();
                    c.setHostname(HUB).openHandler(o -> opened.complete(c)).open();
                });
        client = opened.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private <T> T onClient(java.util.function.Supplier<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        vertx.runOnContext(v -> f.complete(work.get()));
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Attaches a sender; completes with the condition it was detached with, or null when it stays attached. */
    private ErrorCondition attachSender(String address, ProtonSender[] out) throws Exception {
        CompletableFuture<ErrorCondition> refused = new CompletableFuture<>();
        CompletableFuture<Boolean> attached = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            ProtonSender s = client.createSender(address);
            s.openHandler(ar -> attached.complete(true));
            s.closeHandler(ar -> refused.complete(s.getRemoteCondition()));
            s.open();
            out[0] = s;
        });
        attached.get(10, TimeUnit.SECONDS);
        try {
            return refused.get(500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillAttached) {
            return null;
        }
    }

    private Message putToken(Object messageId, String token) throws Exception {
        BlockingQueue<Message> replies = new LinkedBlockingQueue<>();
        onClient(() -> {
            ProtonReceiver r = client.createReceiver("$cbs");
            r.handler((d, m) -> replies.add(m)).open();
            ProtonSender s = client.createSender("$cbs");
            s.open();
            Message m = Message.Factory.create();
            m.setMessageId(messageId);
            m.setAddress("$cbs");
            m.setReplyTo("cbs");
            m.setApplicationProperties(new ApplicationProperties(Map.of("operation", "put-token",
                    "type", "servicebus.windows.net:sastoken", "name", HUB)));
            m.setBody(new AmqpValue(token));
            s.send(m);
            return null;
        });
        Message reply = replies.poll(10, TimeUnit.SECONDS);
        assertThat(reply).as("a CBS answer").isNotNull();
        return reply;
    }

    private String serviceToken(Duration valid) {
        return SasSigner.sign(HUB, policyKey, BuiltInHubConfig.OWNER, T0.plus(valid).getEpochSecond());
    }

    private static Object status(Message m) {
        return m.getApplicationProperties().getValue().get("status-code");
    }

    private DeliveryState send(ProtonSender sender, String to, String body, String ack) throws Exception {
        CompletableFuture<DeliveryState> outcome = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            Message m = Message.Factory.create();
            m.setAddress(to);
            m.setMessageId("msg-" + body);
            if (ack != null) {
                m.setApplicationProperties(new ApplicationProperties(Map.of("iothub-ack", ack)));
            }
            m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
            sender.send(m, d -> {
                if (d.remotelySettled()) {
                    outcome.complete(d.getRemoteState());
                }
            });
        });
        return outcome.get(10, TimeUnit.SECONDS);
    }

    /** A service sends {@code body} to dev-1 asking for {@code ack}; the device completes it (feedback follows). */
    private void sentAndCompleted(String body, String ack) throws Exception {
        putToken(UUID.randomUUID(), serviceToken(Duration.ofHours(1)));
        ProtonSender[] sender = new ProtonSender[1];
        attachSender("/messages/devicebound", sender);
        send(sender[0], "/devices/dev-1/messages/devicebound", body, ack);
        queue.complete(queue.next(DeviceQueue.device(HUB, "dev-1")).orElseThrow());
    }

    @Test
    void serviceLinksAttachedBeforeAServiceTokenAreRefusedAsUnauthorized() throws Exception {
        ErrorCondition refused = attachSender("/messages/devicebound", new ProtonSender[1]);
        assertThat(refused).isNotNull();
        assertThat(refused.getCondition().toString()).isEqualTo("amqp:unauthorized-access");
    }

    @Test
    void putTokenIsAnsweredWithTheRequestIdOfTheSameTypeAndAnIntegerStatus() throws Exception {
        UUID uuid = UUID.randomUUID();
        Message ok = putToken(uuid, serviceToken(Duration.ofHours(1)));
        assertThat(ok.getCorrelationId()).isEqualTo(uuid);
        assertThat(status(ok)).isEqualTo(200);

        Message refused = putToken("text-id", SasSigner.sign(HUB, Ids.policyKey(), BuiltInHubConfig.OWNER,
                T0.plusSeconds(3600).getEpochSecond()));
        assertThat(refused.getCorrelationId()).isEqualTo("text-id");
        assertThat(status(refused)).isEqualTo(401);
        assertThat(refused.getApplicationProperties().getValue().get("status-description")).asString()
                .contains("Unauthorized");
    }

    @Test
    void aServiceTokenAdmitsTheDeviceboundLinkUntilItExpires() throws Exception {
        assertThat(status(putToken(UUID.randomUUID(), serviceToken(Duration.ofMinutes(10))))).isEqualTo(200);
        ProtonSender[] sender = new ProtonSender[1];
        assertThat(attachSender("/messages/devicebound", sender)).isNull();

        assertThat(send(sender[0], "/devices/dev-1/messages/devicebound", "hello", null)).isInstanceOf(Accepted.class);
        assertThat(queue.pendingCount(HUB, "dev-1")).isEqualTo(1);
        DeliveryState unknown = send(sender[0], "/devices/nobody/messages/devicebound", "lost", null);
        assertThat(unknown).isInstanceOf(Rejected.class);
        assertThat(((Rejected) unknown).getError().getCondition().toString()).isEqualTo("amqp:not-found");

        clock.advance(Duration.ofMinutes(10));
        DeliveryState expired = send(sender[0], "/devices/dev-1/messages/devicebound", "late", null);
        assertThat(((Rejected) expired).getError().getCondition().toString()).isEqualTo("amqp:unauthorized-access");
        assertThat(attachSender("/messages/devicebound", new ProtonSender[1]).getCondition().toString())
                .isEqualTo("amqp:unauthorized-access");

        clock.set(T0);
        assertThat(status(putToken(UUID.randomUUID(), serviceToken(Duration.ofMinutes(30))))).isEqualTo(200);
        clock.advance(Duration.ofMinutes(20));
        assertThat(send(sender[0], "/devices/dev-1/messages/devicebound", "renewed", null))
                .as("the renewed token extends the grant").isInstanceOf(Accepted.class);
    }

    @Test
    void anUnknownAddressIsNotFound() throws Exception {
        putToken(UUID.randomUUID(), serviceToken(Duration.ofHours(1)));
        assertThat(attachSender("/no/such/node", new ProtonSender[1]).getCondition().toString())
                .isEqualTo("amqp:not-found");
    }

    @Test
    void feedbackArrivesAsABatchAndAReleasedBatchComesBack() throws Exception {
        sentAndCompleted("ack-me", "full");

        BlockingQueue<ProtonDelivery> deliveries = new LinkedBlockingQueue<>();
        BlockingQueue<Message> batches = new LinkedBlockingQueue<>();
        onClient(() -> {
            ProtonReceiver r = client.createReceiver("/messages/serviceBound/feedback");
            r.setAutoAccept(false).handler((d, m) -> {
                deliveries.add(d);
                batches.add(m);
            }).open();
            return null;
        });
        Message first = batches.poll(10, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.getContentType()).isEqualTo("application/vnd.microsoft.iothub.feedback.json");
        Binary body = ((Data) first.getBody()).getValue();
        var records = Json.tree(new String(body.getArray(), body.getArrayOffset(), body.getLength(),
                StandardCharsets.UTF_8));
        assertThat(records.get(0).path("originalMessageId").asText()).isEqualTo("msg-ack-me");
        assertThat(records.get(0).path("statusCode").asText()).isEqualTo("Success");

        ProtonDelivery d1 = deliveries.poll();
        onClient(() -> d1.disposition(Released.getInstance(), true));
        Message again = batches.poll(10, TimeUnit.SECONDS);
        assertThat(again).as("the released batch comes back").isNotNull();
        assertThat(((Data) again.getBody()).getValue()).isEqualTo(body);

        ProtonDelivery d2 = deliveries.poll();
        onClient(() -> d2.disposition(Accepted.getInstance(), true));
        Thread.sleep(300);
        assertThat(queue.feedback().next(HUB)).as("accepted feedback is gone").isEmpty();
    }

    @Test
    void aConnectionThatGoesAwayHoldingFeedbackGivesItBack() throws Exception {
        sentAndCompleted("held", "positive");
        BlockingQueue<Message> batches = new LinkedBlockingQueue<>();
        onClient(() -> {
            client.createReceiver("/messages/servicebound/feedback").setAutoAccept(false)
                    .handler((d, m) -> batches.add(m)).open();
            return null;
        });
        assertThat(batches.poll(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(queue.feedback().next(HUB)).as("locked while the service holds it").isEmpty();

        onClient(() -> {
            client.disconnect();
            return null;
        });
        Instant deadline = Instant.now().plusSeconds(10);
        boolean back = false;
        while (!back && Instant.now().isBefore(deadline)) {
            back = queue.feedback().next(HUB).isPresent();
            Thread.sleep(50);
        }
        assertThat(back).as("released when the connection ended").isTrue();
    }

    @Test
    void aConnectionWhoseClientCertificateWasRevokedIsClosedAsUnauthorized() throws Exception {
        CompletableFuture<ErrorCondition> closed = new CompletableFuture<>();
        onClient(() -> client.closeHandler(ar -> closed.complete(client.getRemoteCondition())));

        assertThat(endpoint.closeSessionsWith(java.util.Set.of("AB".repeat(32)), "revoked")).isZero();
        assertThat(endpoint.closeSessionsWith(java.util.Set.of(dev.muster.core.x509.Certificates.sha256(
                CLIENT_CERTIFICATE)), "its client certificate was revoked")).isEqualTo(1);

        ErrorCondition condition = closed.get(10, TimeUnit.SECONDS);
        assertThat((Object) condition.getCondition())
                .isEqualTo(org.apache.qpid.proton.amqp.transport.AmqpError.UNAUTHORIZED_ACCESS);
        assertThat(condition.getDescription()).contains("revoked");
    }
}
