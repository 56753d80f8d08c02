package dev.muster.cli;

import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;

/**
 * Sends one cloud-to-device message the way the service SDKs do (IoT Hub has no REST call for it): AMQP over TLS
 * to the hub, SASL ANONYMOUS, the policy's token put on {@code $cbs}, then the message on a sender link to
 * {@code /messages/devicebound}, answered accepted (queued) or rejected with the hub's reason.
 */
final class CloudToDeviceSender {
    /** The message to send. */
    record Outgoing(String deviceId, String moduleId, byte[] body, String messageId, String ack,
                    Map<String, String> properties, Long expiresInSeconds) {}

    private final ConnectionString hub;
    private final int port;
    private final Path ca;

    CloudToDeviceSender(ConnectionString hub, int port, Path ca) {
        this.hub = hub;
        this.port = port;
        this.ca = ca;
    }

    /** Sends and waits for the hub's answer; throws with the hub's reason when it refuses. */
    void send(Outgoing m) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ProtonClientOptions options = new ProtonClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
                    .addEnabledSaslMechanism("ANONYMOUS").setConnectTimeout(10_000);
            if (ca != null) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
            }
            Promise<Void> done = Promise.promise();
            ProtonClient.create(vertx).connect(options, hub.hostName(), port, ar -> {
                if (ar.failed()) {
                    done.fail(new ApiClient.ApiError(3, "Cannot connect to " + hub.hostName() + ":" + port
                            + " (AMQP): " + ar.cause().getMessage()));
                    return;
                }
                ProtonConnection c = ar.result();
                c.setHostname(hub.hostName()).openHandler(opened -> {
                    if (opened.failed()) {
                        done.fail(opened.cause());
                        return;
                    }
                    putToken(c).compose(v -> sendMessage(c, m)).onComplete(done);
                }).closeHandler(closed -> done.tryFail("The hub closed the AMQP connection."));
                c.open();
            });
            done.future().await(60, TimeUnit.SECONDS);
        } finally {
            vertx.close();
        }
    }

    /** CBS put-token with the policy's SAS token; the hub answers status-code 200 or refuses. */
    private Future<Void> putToken(ProtonConnection c) {
        Promise<Void> authorized = Promise.promise();
        String token = SasSigner.sign(hub.hostName(), hub.key(), hub.keyName(), Instant.now().plusSeconds(3600)
                .getEpochSecond());
        UUID requestId = UUID.randomUUID();
        ProtonReceiver replies = c.createReceiver("$cbs");
        replies.handler((delivery, reply) -> {
            Object status = reply.getApplicationProperties() == null ? null
                    : reply.getApplicationProperties().getValue().get("status-code");
            if (status instanceof Number n && n.intValue() == 200) {
                authorized.tryComplete();
            } else {
                Object description = reply.getApplicationProperties() == null ? null
                        : reply.getApplicationProperties().getValue().get("status-description");
                authorized.tryFail(new ApiClient.ApiError(1, "The hub refused the policy's token: " + description));
            }
        }).open();
        ProtonSender requests = c.createSender("$cbs");
        requests.openHandler(opened -> {
            Message put = Message.Factory.create();
            put.setMessageId(requestId);
            put.setAddress("$cbs");
            put.setReplyTo("cbs");
            Map<String, Object> props = new HashMap<>();
            props.put("operation", "put-token");
            props.put("type", "servicebus.windows.net:sastoken");
            props.put("name", hub.hostName());
            put.setApplicationProperties(new ApplicationProperties(props));
            put.setBody(new AmqpValue(token));
            requests.send(put);
        }).open();
        return authorized.future();
    }

    private Future<Void> sendMessage(ProtonConnection c, Outgoing m) {
        Promise<Void> sent = Promise.promise();
        ProtonSender sender = c.createSender("/messages/devicebound");
        sender.openHandler(opened -> {
            if (opened.failed()) {
                sent.fail(new ApiClient.ApiError(1, "The hub refused the link: " + opened.cause().getMessage()));
                return;
            }
            Message msg = Message.Factory.create();
            msg.setAddress("/devices/" + m.deviceId() + (m.moduleId() == null ? "" : "/modules/" + m.moduleId())
                    + "/messages/devicebound");
            msg.setMessageId(m.messageId() != null ? m.messageId() : UUID.randomUUID().toString());
            if (m.expiresInSeconds() != null) {
                msg.setExpiryTime(Instant.now().plusSeconds(m.expiresInSeconds()).toEpochMilli());
            }
            Map<String, Object> props = new HashMap<>(m.properties());
            props.put("iothub-ack", m.ack());
            msg.setApplicationProperties(new ApplicationProperties(props));
            msg.setBody(new Data(new Binary(m.body())));
            sender.send(msg, delivery -> {
                if (delivery.getRemoteState() instanceof Accepted) {
                    sent.tryComplete();
                } else if (delivery.getRemoteState() instanceof Rejected r) {
                    ErrorCondition e = r.getError();
                    sent.tryFail(new ApiClient.ApiError(e != null && String.valueOf(e.getCondition())
                            .equals("amqp:not-found") ? 4 : 1, "The hub refused the message: "
                            + (e == null ? "rejected" : e.getCondition() + " " + e.getDescription())));
                } else {
                    sent.tryFail(new ApiClient.ApiError(1, "The hub did not take the message: "
                            + delivery.getRemoteState()));
                }
            });
        }).open();
        return sent.future();
    }
}
