package dev.muster.hub.amqp;

import dev.muster.hub.HubError;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's sender link to {@code /messages/devicebound}: each message is queued for the device its {@code to}
 * names, and its delivery settled {@code accepted} once it is in the store, or {@code rejected} with the condition
 * the service SDKs map (queue full, unknown device, too large, no longer authorized).
 */
final class C2dSendLink {
    private static final Logger LOG = LoggerFactory.getLogger(C2dSendLink.class);
    static final String ADDRESS = "messages/devicebound";
    /** Messages a service may have unsettled on the link; the SDKs send one at a time. */
    private static final int CREDIT = 100;
    /**
     * Frames beyond this end the link (message-size-exceeded); bodies between the hub's 64 KB and this are rejected
     * one by one with the same condition, as the Java client maps it.
     */
    private static final long MAX_LINK_MESSAGE = 256 * 1024 + 1024;

    private final HubAmqpConnection connection;
    private final CloudToDeviceQueue queue;
    private final Blocking blocking;

    C2dSendLink(HubAmqpConnection connection, CloudToDeviceQueue queue, Blocking blocking) {
        this.connection = connection;
        this.queue = queue;
        this.blocking = blocking;
    }

    void attach(ProtonReceiver receiver) {
        receiver.setTarget(receiver.getRemoteTarget());
        receiver.setSource(receiver.getRemoteSource());
        receiver.setAutoAccept(false);
        receiver.setPrefetch(CREDIT);
        receiver.setMaxMessageSize(org.apache.qpid.proton.amqp.UnsignedLong.valueOf(MAX_LINK_MESSAGE));
        receiver.handler(this::send);
        receiver.closeHandler(ar -> receiver.close());
        receiver.detachHandler(ar -> receiver.detach());
        receiver.open();
    }

    private void send(ProtonDelivery delivery, Message message) {
        if (!connection.serviceAuthorized()) {
            delivery.disposition(AmqpLinks.rejected(AmqpLinks.unauthorized(
                    "The connection's service token has expired; put a new one on $cbs.")), true);
            return;
        }
        C2dAmqpMessages.Outgoing outgoing;
        try {
            outgoing = C2dAmqpMessages.outgoing(connection.hub(), message);
        } catch (HubError e) {
            delivery.disposition(AmqpLinks.rejected(e), true);
            return;
        }
        blocking.run(() -> queue.send(outgoing.queue(), outgoing.content(), outgoing.absoluteExpiry()))
                .onComplete(ar -> connection.onContext(() -> {
                    if (ar.succeeded()) {
                        delivery.disposition(Accepted.getInstance(), true);
                        return;
                    }
                    if (!(ar.cause() instanceof HubError)) {
                        LOG.error("queueing a cloud-to-device message for {} failed", outgoing.queue(), ar.cause());
                    }
                    delivery.disposition(AmqpLinks.rejected(ar.cause()), true);
                }));
    }
}
