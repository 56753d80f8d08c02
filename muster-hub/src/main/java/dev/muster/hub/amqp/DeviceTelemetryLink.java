package dev.muster.hub.amqp;

import dev.muster.hub.HubError;
import dev.muster.hub.TelemetryMessage;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;

/**
 * A device's sender link to {@code /devices/{d}/messages/events} (reference §5): each message goes to the hub's
 * telemetry with the connection's identity stamped on it, and is settled {@code accepted}; a message the hub cannot
 * take (too large, not a data body, the token expired) is {@code rejected} with an AMQP error the SDKs map.
 */
final class DeviceTelemetryLink implements DeviceLink {
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
        TelemetryMessage telemetry;
        try {
            telemetry = DeviceAmqpMessages.telemetry(session.identity(), session.devices().options().clock().instant(),
                    message);
        } catch (HubError e) {
            delivery.disposition(AmqpLinks.rejected(e), true);
            return;
        }
        session.devices().options().hub().telemetry().telemetryReceived(telemetry);
        delivery.disposition(Accepted.getInstance(), true);
        session.noteActivity();
    }

    @Override
    public void closed() {
        // nothing held: every message was settled as it arrived
    }
}
