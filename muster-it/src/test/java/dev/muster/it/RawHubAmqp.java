package dev.muster.it;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonSender;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

/**
 * A plain AMQP 1.0 client (vertx-proton) of a built-in hub's AMQP port, doing on the wire what the device SDKs do
 * (SASL ANONYMOUS, CBS put-token, device links) without their retries, so a test sees the hub's own answers.
 */
final class RawHubAmqp implements AutoCloseable {
    private final ProtonConnection connection;
    private final Context context;
    private final ProtonSender cbs;
    private final LinkedBlockingQueue<Message> cbsReplies = new LinkedBlockingQueue<>();

    /** A sender link of a test: its deliveries' outcomes, and the error it was detached with, if it was. */
    record Sender(ProtonSender link, CompletableFuture<ErrorCondition> detached) {}

    private RawHubAmqp(ProtonConnection connection, Context context) throws Exception {
        this.connection = connection;
        this.context = context;
        CompletableFuture<ProtonSender> opened = new CompletableFuture<>();
        on(() -> {
            connection.createReceiver("$cbs").handler((d, m) -> cbsReplies.add(m)).open();
            ProtonSender s = connection.createSender("$cbs");
            s.openHandler(ar -> opened.complete(s)).open();
        });
        cbs = opened.get(10, TimeUnit.SECONDS);
    }

    static RawHubAmqp connect(String hub) throws Exception {
        ProtonClientOptions options = new ProtonClientOptions().setSsl(true).setConnectTimeout(5000)
                .setTrustOptions(new PemTrustOptions().addCertPath(MusterUnderTest.info().caCertificate()))
                .addEnabledSaslMechanism("ANONYMOUS");
        record Opened(ProtonConnection connection, Context context) {}
        CompletableFuture<Opened> connected = new CompletableFuture<>();
        ProtonClient.create(RawAmqp.vertx()).connect(options, hub, MusterUnderTest.info().ports().amqp(), ar -> {
            if (ar.failed()) {
                connected.completeExceptionally(ar.cause());
                return;
            }
            ProtonConnection c = ar.result();
            c.setHostname(hub);
            Context ctx = Vertx.currentContext();
            c.openHandler(open -> {
                if (open.failed()) {
                    connected.completeExceptionally(open.cause());
                } else {
                    connected.complete(new Opened(c, ctx));
                }
            }).open();
        });
        Opened o = connected.get(15, TimeUnit.SECONDS);
        return new RawHubAmqp(o.connection(), o.context());
    }

    /** Puts a SAS token on $cbs; returns the answer's status-code. */
    int putToken(String audience, String token) throws Exception {
        Message m = Message.Factory.create();
        m.setMessageId(UUID.randomUUID());
        m.setReplyTo("cbs");
        m.setAddress("$cbs");
        Map<String, Object> app = new HashMap<>();
        app.put("operation", "put-token");
        app.put("type", "servicebus.windows.net:sastoken");
        app.put("name", audience);
        m.setApplicationProperties(new ApplicationProperties(app));
        m.setBody(new AmqpValue(token));
        on(() -> cbs.send(m));
        Message reply = cbsReplies.poll(15, TimeUnit.SECONDS);
        if (reply == null) {
            throw new AssertionError("no answer to put-token");
        }
        return ((Number) reply.getApplicationProperties().getValue().get("status-code")).intValue();
    }

    /** Opens a sender link to {@code address}; fails if the hub refuses it. */
    Sender sender(String address) throws Exception {
        CompletableFuture<Sender> opened = new CompletableFuture<>();
        CompletableFuture<ErrorCondition> detached = new CompletableFuture<>();
        on(() -> {
            ProtonSender s = connection.createSender(address);
            s.openHandler(ar -> {
                if (ar.succeeded() && s.getRemoteTarget() != null) {
                    opened.complete(new Sender(s, detached));
                }
            });
            s.closeHandler(ar -> {
                detached.complete(s.getRemoteCondition());
                opened.completeExceptionally(new IllegalStateException("refused: " + s.getRemoteCondition()));
            });
            s.detachHandler(ar -> detached.complete(s.getRemoteCondition()));
            s.open();
        });
        return opened.get(10, TimeUnit.SECONDS);
    }

    /** Sends on the link and returns the hub's outcome. */
    DeliveryState send(Sender sender, Message m) throws Exception {
        CompletableFuture<DeliveryState> outcome = new CompletableFuture<>();
        on(() -> sender.link().send(m, d -> outcome.complete(d.getRemoteState())));
        return outcome.get(15, TimeUnit.SECONDS);
    }

    private void on(Runnable work) {
        context.runOnContext(v -> work.run());
    }

    @Override
    public void close() {
        on(() -> {
            connection.close();
            connection.disconnect();
        });
    }
}
