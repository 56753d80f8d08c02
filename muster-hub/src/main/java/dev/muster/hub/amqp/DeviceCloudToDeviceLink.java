package dev.muster.hub.amqp;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.c2d.NextMessageReader;
import dev.muster.transport.Blocking;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonSender;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's receiver link on {@code /devices/{d}/messages/devicebound} (reference §2.6): the device's queue is handed
 * out in order, messages queued before the link attached first, at most {@link #WINDOW} unsettled and never beyond
 * the credit the device gave. The device's outcome settles each one in the queue: {@code accepted} completes,
 * {@code released} abandons (one delivery more), {@code rejected} dead-letters; feedback follows from the queue. What
 * the device still holds when the link or connection goes back to the queue at once, without a delivery counted.
 */
final class DeviceCloudToDeviceLink implements DeviceLink {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceCloudToDeviceLink.class);
    /** Messages a device may hold unsettled; the SDKs settle each after the application's callback returns. */
    static final int WINDOW = 8;

    private final DeviceSession session;
    private final ProtonSender sender;
    private final DeviceQueue queue;
    private final CloudToDeviceQueue messages;
    private final Blocking blocking;
    private final Map<String, CloudToDeviceMessage> inFlight = new HashMap<>();
    private final NextMessageReader reader;
    private boolean closed;

    DeviceCloudToDeviceLink(DeviceSession session, ProtonSender sender) {
        this.session = session;
        this.sender = sender;
        this.queue = session.queue();
        this.messages = session.devices().options().cloudToDevice();
        this.blocking = session.devices().options().blocking();
        this.reader = new NextMessageReader(messages, queue, blocking, session::onContext);
    }

    @Override
    public ProtonLink<?> link() {
        return sender;
    }

    DeviceQueue queue() {
        return queue;
    }

    void attach() {
        sender.sendQueueDrainHandler(s -> pull());
        session.attach(this);
        session.devices().cloudToDeviceOpened(this);
        pull();
    }

    /** Something may wait in the queue (enqueued, put back, or seen by the relay): call on the connection's context. */
    void available() {
        session.onContext(this::pull);
    }

    private void pull() {
        if (closed || !sender.isOpen() || inFlight.size() >= WINDOW || sender.sendQueueFull()
                || !session.authorized()) {
            return;
        }
        reader.read(this::deliver, this::pull);
    }

    private void deliver(CloudToDeviceMessage m) {
        if (closed || !sender.isOpen()) {
            settle(m, messages::release);
            return;
        }
        inFlight.put(m.lockToken(), m);
        sender.send(m.lockToken().getBytes(StandardCharsets.UTF_8), DeviceAmqpMessages.cloudToDevice(m),
                delivery -> settled(m, delivery));
    }

    private void settled(CloudToDeviceMessage m, ProtonDelivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (state == null && !delivery.remotelySettled()) {
            return;
        }
        if (inFlight.remove(m.lockToken()) == null) {
            return; // already given back when the link closed
        }
        settle(m, outcome(state));
    }

    /** Accepted completes, released abandons, rejected dead-letters; modified abandons if the delivery failed. */
    private Function<CloudToDeviceMessage, Boolean> outcome(DeliveryState state) {
        if (state instanceof Accepted) {
            return messages::complete;
        }
        if (state instanceof Rejected) {
            return messages::reject;
        }
        if (state instanceof Released) {
            return messages::abandon;
        }
        if (state instanceof Modified mod && Boolean.TRUE.equals(mod.getDeliveryFailed())) {
            return messages::abandon;
        }
        return messages::release;
    }

    private void settle(CloudToDeviceMessage m, Function<CloudToDeviceMessage, Boolean> outcome) {
        blocking.run(() -> outcome.apply(m)).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("could not settle a cloud-to-device message of {}: {}", queue, ar.cause().toString());
            } else if (!ar.result()) {
                LOG.debug("a cloud-to-device message of {} was settled after its lock ran out", queue);
            }
            session.onContext(this::pull);
        });
    }

    @Override
    public void closed() {
        if (closed) {
            return;
        }
        closed = true;
        session.devices().cloudToDeviceClosed(this);
        inFlight.values().forEach(m -> blocking.run(() -> messages.release(m)));
        inFlight.clear();
    }
}
