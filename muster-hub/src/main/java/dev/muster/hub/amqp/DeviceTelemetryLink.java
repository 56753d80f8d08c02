package dev.muster.hub.amqp;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.HubError;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's sender link to {@code /devices/{d}/messages/events} (reference §5): each message goes to the hub's
 * telemetry with the connection's identity stamped on it, and is settled {@code accepted} once it is durable; a
 * message the hub cannot take (too large, not a data body, the token expired, the store failed) is {@code rejected}
 * with an AMQP error the SDKs map.
 */
final class DeviceTelemetryLink implements DeviceLink {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceTelemetryLink.class);
    /** Messages a device may have unsettled; the Java client sends whatever its queue holds as credit allows. */
    private static final int CREDIT = 100;

    private final DeviceSession session;
    private final ProtonReceiver receiver;

    DeviceTelemetryLink(DeviceSession session, ProtonReceiver receiver) {
        this.session = session;
        this.receiver = receiver;
    }

    @Override
    public ProtonLink<?> link() {
        return receiver;
    }

    void attach() {
        receiver.setAutoAccept(false);
        receiver.setPrefetch(CREDIT);
        receiver.handler(this::received);
        session.attach(this);
    }

    private void received(ProtonDelivery delivery, Message message) {
        if (!session.authorized()) {
            delivery.disposition(AmqpLinks.rejected(AmqpLinks.unauthorized("The device's token has expired;"
                    + " put a new one on $cbs.")), true);
            return;
        }
        EventContent sent;
        try {
            sent = DeviceAmqpMessages.telemetry(message);
        } catch (HubError e) {
            delivery.disposition(AmqpLinks.rejected(e), true);
            return;
        }
        session.noteActivity();
        var options = session.devices().options();
        options.hub().telemetry().receive(session.identity().sender(), options.clock().instant(), List.of(sent))
                .whenComplete((v, failure) -> session.onContext(() -> settle(delivery, failure)));
    }

    /**
     * {@code accepted} once the message is durable; {@code rejected} with the hub's error (413001 as
     * {@code amqp:link:message-size-exceeded}) or, when the store failed, {@code amqp:internal-error}.
     */
    private void settle(ProtonDelivery delivery, Throwable failure) {
        if (receiver.isOpen()) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause != null && !(cause instanceof HubError)) {
                LOG.warn("telemetry of {} not stored: {}", session.identity().key(), cause.toString());
            }
            delivery.disposition(cause == null ? Accepted.getInstance() : AmqpLinks.rejected(cause), true);
        }
    }

    @Override
    public void closed() {
        // nothing held: a delivery still being stored is settled when it is, if its link is still there
    }
}
