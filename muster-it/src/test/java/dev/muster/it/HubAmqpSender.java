package dev.muster.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;

/**
 * A service's cloud-to-device sender speaking the hub's AMQP protocol as the SDKs do (ANONYMOUS, CBS put-token, a
 * sender link on {@code /messages/devicebound}), but dialling an address of its choosing: to reach one particular node
 * of a deployment, which the official clients (they dial the hub's host name) cannot.
 */
final class HubAmqpSender implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private ProtonConnection connection;
    private ProtonSender sender;

    /** Connects to {@code address}:5671 naming {@code hub} in the Open frame and authenticates with {@code token}. */
    static HubAmqpSender open(String address, String hub, String token, Path caCertificate) throws Exception {
        HubAmqpSender s = new HubAmqpSender();
        s.connect(address, hub, token, caCertificate);
        return s;
    }

    private void connect(String address, String hub, String token, Path ca) throws Exception {
        CompletableFuture<Message> cbsAnswer = new CompletableFuture<>();
        ProtonClientOptions options = new ProtonClientOptions().addEnabledSaslMechanism("ANONYMOUS").setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
        vertx.runOnContext(v -> ProtonClient.create(vertx).connect(options, address, 5671, ar -> {
            if (ar.failed()) {
                cbsAnswer.completeExceptionally(ar.cause());
                return;
            }
            connection = ar.result();
            connection.setHostname(hub).open();
            connection.createReceiver("$cbs").handler((d, m) -> cbsAnswer.complete(m)).open();
            ProtonSender cbs = connection.createSender("$cbs");
            cbs.open();
            cbs.send(putToken(hub, token));
        }));
        Message answer = cbsAnswer.get(15, TimeUnit.SECONDS);
        Object status = answer.getApplicationProperties().getValue().get("status-code");
        if (!Integer.valueOf(200).equals(status)) {
            throw new IllegalStateException("put-token answered " + status);
        }
        CompletableFuture<ProtonSender> attached = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            ProtonSender s = connection.createSender("/messages/devicebound");
            s.openHandler(ar -> attached.complete(s)).open();
        });
        sender = attached.get(15, TimeUnit.SECONDS);
    }

    /** A CBS put-token request as the Java service SDK sends it: a uuid message-id, the token as an AMQP string. */
    private static Message putToken(String audience, String token) {
        Properties p = new Properties();
        p.setMessageId(UUID.randomUUID());
        p.setTo("$cbs");
        p.setReplyTo("cbs");
        Map<String, Object> app = new java.util.HashMap<>();
        app.put("operation", "put-token");
        app.put("type", "servicebus.windows.net:sastoken");
        app.put("name", audience);
        return Message.Factory.create(null, null, null, p, new ApplicationProperties(app), new AmqpValue(token), null);
    }

    /** Sends and returns the hub's outcome (accepted, or rejected with its condition). */
    DeliveryState send(String deviceId, String messageId, String body) throws Exception {
        LinkedBlockingQueue<DeliveryState> outcome = new LinkedBlockingQueue<>();
        vertx.runOnContext(v -> {
            Message m = Message.Factory.create();
            m.setAddress("/devices/" + deviceId + "/messages/devicebound");
            m.setMessageId(messageId);
            m.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
            sender.send(m, d -> {
                if (d.remotelySettled()) {
                    outcome.add(d.getRemoteState());
                }
            });
        });
        DeliveryState state = outcome.poll(15, TimeUnit.SECONDS);
        if (state == null) {
            throw new IllegalStateException("no outcome within 15 s");
        }
        return state;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
