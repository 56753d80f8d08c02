package dev.muster.hub.amqp;

import dev.muster.transport.Blocking;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $cbs} link pair of one connection (reference §2.2): {@code put-token} requests arrive on the client's
 * sender, each answer leaves on its receiver with {@code status-code} (int), {@code status-description}, and
 * correlation-id = the request's message-id with its AMQP type (Java casts it to a UUID, Node compares strings). An
 * accepted token is recorded on the connection; a token put again for the same audience extends it.
 */
final class CbsLinks {
    private static final Logger LOG = LoggerFactory.getLogger(CbsLinks.class);
    static final String ADDRESS = "$cbs";
    static final String STATUS_CODE = "status-code";
    static final String STATUS_DESCRIPTION = "status-description";

    private final HubAmqpConnection connection;
    private final CbsAuthorizer authorizer;
    private final Blocking blocking;
    private ProtonSender replies;
    /** Answers ready before the client attached its receiver. */
    private final ArrayDeque<Message> unsent = new ArrayDeque<>();

    CbsLinks(HubAmqpConnection connection, CbsAuthorizer authorizer, Blocking blocking) {
        this.connection = connection;
        this.authorizer = authorizer;
        this.blocking = blocking;
    }

    void requests(ProtonReceiver receiver) {
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSource(receiver.getRemoteSource());
        receiver.handler((delivery, message) -> putToken(message));
        receiver.closeHandler(ar -> receiver.close());
        receiver.detachHandler(ar -> receiver.detach());
        receiver.open();
    }

    void replies(ProtonSender sender) {
        sender.setSource(sender.getRemoteSource());
        sender.setTarget(sender.getRemoteTarget());
        sender.closeHandler(ar -> {
            sender.close();
            if (replies == sender) {
                replies = null;
            }
        });
        sender.detachHandler(ar -> sender.detach());
        sender.open();
        replies = sender;
        while (!unsent.isEmpty()) {
            sender.send(unsent.poll());
        }
    }

    private void putToken(Message request) {
        Map<String, Object> app = request.getApplicationProperties() == null ? Map.of()
                : request.getApplicationProperties().getValue();
        Object operation = app.get("operation");
        Object requestId = request.getMessageId() != null ? request.getMessageId() : request.getCorrelationId();
        if (!"put-token".equals(operation)) {
            answer(requestId, 400, "Unsupported CBS operation '" + operation + "'; only put-token is served.");
            return;
        }
        Object type = app.get("type");
        String token = request.getBody() instanceof AmqpValue v && v.getValue() instanceof String s ? s : null;
        String hub = connection.hub();
        blocking.run(() -> authorizer.putToken(hub, type == null ? null : type.toString(), token))
                .onComplete(ar -> connection.onContext(() -> {
                    if (ar.failed()) {
                        LOG.error("CBS put-token on hub {} failed", hub, ar.cause());
                        answer(requestId, 500, "Internal error; see the server log.");
                        return;
                    }
                    CbsAuthorizer.Outcome o = ar.result();
                    if (o.grant() != null) {
                        connection.grants().add(o.grant());
                    } else {
                        LOG.info("hub {} refused a CBS token: {}", hub, o.description());
                    }
                    answer(requestId, o.status(), o.description());
                }));
    }

    private void answer(Object requestId, int status, String description) {
        Message m = Message.Factory.create();
        Properties p = new Properties();
        p.setCorrelationId(requestId);
        m.setProperties(p);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put(STATUS_CODE, status);
        app.put(STATUS_DESCRIPTION, description);
        m.setApplicationProperties(new ApplicationProperties(app));
        if (replies != null && replies.isOpen()) {
            replies.send(m);
        } else {
            unsent.add(m);
        }
    }
}
