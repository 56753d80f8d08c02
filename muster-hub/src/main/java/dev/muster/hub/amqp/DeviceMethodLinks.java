package dev.muster.hub.amqp;

import dev.muster.hub.HubError;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's direct-method links on {@code /devices/{d}/methods/devicebound} (reference §1.3): requests go out on the
 * device's receiver link with an AMQP uuid correlation-id (the Java client parses it as one), answers come back on
 * its sender link with that correlation-id and {@code IoThub-status}. While the request link is open the device
 * takes methods ({@link AmqpDevices} offers it to the hub's direct methods). Used on the connection's context, except
 * {@link #takesMethods} and {@link #send}, which any thread may call.
 */
final class DeviceMethodLinks {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceMethodLinks.class);
    private static final int CREDIT = 10;
    /** Requests remembered for their answers; older ones (their calls long timed out) are forgotten first. */
    private static final int MAX_PENDING = 1000;

    private final DeviceSession session;
    private ProtonSender requests;
    private volatile boolean open;
    /** The hub's request ID of each request sent, by the uuid the device answers with. */
    private final Map<String, String> pending = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_PENDING;
        }
    };

    DeviceMethodLinks(DeviceSession session) {
        this.session = session;
    }

    void requests(ProtonSender sender) {
        requests = sender;
        session.attach(DeviceLink.of(sender, () -> {
            if (requests == sender) {
                requests = null;
                open = false;
                pending.clear();
                session.devices().methodsClosed(session.key(), this);
            }
        }));
        open = true;
        session.devices().methodsOpened(session.key(), this);
    }

    void responses(ProtonReceiver receiver) {
        receiver.setAutoAccept(false);
        receiver.setPrefetch(CREDIT);
        receiver.handler(this::answered);
        session.attach(DeviceLink.of(receiver, () -> { }));
    }

    boolean takesMethods() {
        return open && !session.ended();
    }

    /** Hands a direct method to the device; its answer comes back through {@link #answered}. */
    void send(String requestId, String methodName, byte[] payload) {
        session.onContext(() -> {
            if (requests == null || !requests.isOpen()) {
                return; // the link went meanwhile: the call times out as an unanswered one
            }
            UUID correlationId = UUID.randomUUID();
            pending.put(correlationId.toString(), requestId);
            requests.send(DeviceAmqpMessages.methodRequest(correlationId, methodName, payload), d -> { });
        });
    }

    private void answered(ProtonDelivery delivery, Message message) {
        DeviceAmqpMessages.MethodResponse r;
        try {
            r = DeviceAmqpMessages.methodResponse(message);
        } catch (HubError e) {
            delivery.disposition(AmqpLinks.rejected(e), true);
            return;
        }
        delivery.disposition(Accepted.getInstance(), true);
        session.noteActivity();
        String requestId = pending.remove(r.requestId());
        if (requestId == null || !session.devices().options().live().methods().answered(session.key(), requestId,
                r.status(), r.body())) {
            LOG.debug("device {} answered method request {} that no call waits for (late or unknown)",
                    session.key(), r.requestId());
        }
    }
}
