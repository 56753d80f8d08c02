package dev.muster.hub.eventhubs;

import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $management} request/response links of one connection: requests arrive on the client's sender, each
 * answer leaves on the client receiver whose target is the request's reply-to (Java and JS both name their receiver's
 * target so), or on the latest one when none matches. Connection context.
 */
final class ManagementLinks {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementLinks.class);

    private final EventHubsEndpoint endpoint;
    private final EventHubsPeer peer;
    private final List<ProtonSender> replies = new ArrayList<>();

    ManagementLinks(EventHubsEndpoint endpoint, EventHubsPeer peer) {
        this.endpoint = endpoint;
        this.peer = peer;
    }

    void requests(ProtonReceiver receiver) {
        receiver.handler((delivery, message) -> answer(message));
        accept(receiver, () -> { });
    }

    void replies(ProtonSender sender) {
        accept(sender, () -> replies.remove(sender));
        replies.add(sender);
    }

    /** Takes the client's termini as they are; when the client ends its side, {@code onEnd} runs and ours ends. */
    private static <L extends ProtonLink<L>> void accept(L link, Runnable onEnd) {
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.closeHandler(ar -> {
            onEnd.run();
            link.close();
        });
        link.detachHandler(ar -> {
            onEnd.run();
            link.detach();
        });
        link.open();
    }

    private void answer(Message request) {
        String hub = peer.hub();
        String replyTo = request.getReplyTo();
        endpoint.blocking().run(() -> endpoint.management().answer(hub, request))
                .onComplete(ar -> peer.onContext(() -> {
                    Message reply;
                    if (ar.failed()) {
                        LOG.error("hub {}: $management request failed", hub, ar.cause());
                        Object id = request.getMessageId() != null ? request.getMessageId() : request.getCorrelationId();
                        reply = ManagementRequests.reply(id, 500, "Internal error; see the server log.",
                                "amqp:internal-error", null);
                    } else {
                        reply = ar.result();
                    }
                    ProtonSender to = replyLink(replyTo);
                    if (to == null) {
                        LOG.debug("hub {}: no $management receiver for reply-to {}", hub, replyTo);
                        return;
                    }
                    to.send(reply);
                }));
    }

    private ProtonSender replyLink(String replyTo) {
        ProtonSender latest = null;
        for (ProtonSender s : replies) {
            if (!s.isOpen()) {
                continue;
            }
            latest = s;
            if (replyTo != null && s.getRemoteTarget() != null && replyTo.equals(s.getRemoteTarget().getAddress())) {
                return s;
            }
        }
        return latest;
    }
}
