package dev.muster.hub.eventhubs;

import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Event Hubs-compatible links of one hub connection, picked by address: {@code $management} and partition
 * receivers. An address of that shape for another entity is refused with {@code amqp:not-found}; any other address
 * is not ours ({@code false}), so the connection's own links get their turn. Connection context.
 */
public final class EventHubsLinks {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsLinks.class);
    static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");

    private final EventHubsEndpoint endpoint;
    private final EventHubsPeer peer;
    private final ManagementLinks management;
    private final List<PartitionReceiver> receivers = new ArrayList<>();
    private boolean ended;

    EventHubsLinks(EventHubsEndpoint endpoint, EventHubsPeer peer) {
        this.endpoint = endpoint;
        this.peer = peer;
        this.management = new ManagementLinks(endpoint, peer);
    }

    /** A client sender: {@code $management} requests. */
    public boolean receiverOpened(ProtonReceiver receiver, String address) {
        Optional<EntityAddress> a = EntityAddress.parse(address);
        if (a.isEmpty() || !(a.get() instanceof EntityAddress.Management m)) {
            return false;
        }
        if (admitManagement(receiver, m)) {
            management.requests(receiver);
        }
        return true;
    }

    /** A client receiver: {@code $management} answers or a partition's events. */
    public boolean senderOpened(ProtonSender sender, String address) {
        Optional<EntityAddress> a = EntityAddress.parse(address);
        if (a.isEmpty()) {
            return false;
        }
        if (a.get() instanceof EntityAddress.Management m) {
            if (admitManagement(sender, m)) {
                management.replies(sender);
            }
        } else {
            partition(sender, (EntityAddress.Partition) a.get());
        }
        return true;
    }

    /** The connection ended: its receivers stop. */
    public void closed() {
        ended = true;
        for (PartitionReceiver r : List.copyOf(receivers)) {
            r.closed();
        }
        receivers.clear();
    }

    private boolean admitManagement(ProtonLink<?> link, EntityAddress.Management m) {
        if (m.entity() != null && !EventHubNames.matches(peer.hub(), m.entity())) {
            refuse(link, EventHubsError.entityNotFound("sb://" + peer.hub() + "/" + m.entity()));
            return false;
        }
        // Java attaches $management before any put-token: each request's security_token is what is checked.
        return true;
    }

    private void partition(ProtonSender sender, EntityAddress.Partition address) {
        String hub = peer.hub();
        if (!EventHubNames.matches(hub, address.entity())) {
            refuse(sender, EventHubsError.entityNotFound("sb://" + hub + "/" + address.entity()));
            return;
        }
        String entityPath = address.entity() + "/ConsumerGroups/" + address.consumerGroup() + "/Partitions/"
                + address.partitionId();
        if (!peer.serviceGranted(hub + "/" + entityPath)) {
            refuse(sender, new EventHubsError(EventHubsError.UNAUTHORIZED,
                    "Put a valid token for '" + entityPath + "' on $cbs before attaching it."));
            return;
        }
        StartPosition position;
        try {
            position = EventPositions.fromFilter(sender.getRemoteSource() instanceof Source s ? s.getFilter() : null);
        } catch (EventHubsError e) {
            refuse(sender, e);
            return;
        }
        Long ownerLevel = ownerLevel(sender.getRemoteProperties());
        boolean metric = sender.getRemoteDesiredCapabilities() != null
                && Arrays.asList(sender.getRemoteDesiredCapabilities()).contains(RUNTIME_METRIC);
        String holder = UUID.randomUUID().toString();
        ReceiverAdmission.Request request = new ReceiverAdmission.Request(hub, address, position, ownerLevel, holder);
        endpoint.blocking().run(() -> endpoint.admission().admit(request)).onComplete(ar -> peer.onContext(() -> {
            if (ar.failed()) {
                if (ar.cause() instanceof EventHubsError e) {
                    refuse(sender, e);
                } else {
                    LOG.error("hub {}: attaching {} failed", hub, entityPath, ar.cause());
                    refuse(sender, new EventHubsError(AmqpError.INTERNAL_ERROR, "Internal error; see the server log."));
                }
                return;
            }
            ReceiverAdmission.Admitted admitted = ar.result();
            PartitionReceiver receiver = new PartitionReceiver(endpoint, peer, sender, new PartitionReceiver.Options(
                    hub, admitted.consumerGroup(), admitted.partition(), ownerLevel, holder, metric,
                    admitted.firstSequence()));
            if (ended) {
                receiver.closed(); // the connection went away while the store was asked: give the claim back
                return;
            }
            sender.setSource(sender.getRemoteSource());
            sender.setTarget(sender.getRemoteTarget());
            // Only the runtime metric is offered back: both SDKs also desire com.microsoft:georeplication, which
            // would switch them to geo-replicated offsets; not offering it keeps offsets plain sequence numbers.
            if (metric) {
                sender.setOfferedCapabilities(new Symbol[] {RUNTIME_METRIC});
            }
            receivers.removeIf(PartitionReceiver::isClosed);
            receivers.add(receiver);
            endpoint.opened(receiver);
            receiver.start();
        }));
    }

    private static Long ownerLevel(Map<Symbol, Object> properties) {
        Object v = properties == null ? null : properties.get(EPOCH);
        return v instanceof Number n ? n.longValue() : null;
    }

    /** Attaches with no terminus and detaches at once with the error: the AMQP way to refuse a link. */
    private void refuse(ProtonLink<?> link, EventHubsError e) {
        LOG.debug("hub {} refused link {}: {} {}", peer.hub(), link.getName(), e.condition(), e.getMessage());
        link.setSource(null);
        link.setTarget(null);
        link.setCondition(new ErrorCondition(e.condition(), e.getMessage()));
        link.open();
        link.close();
    }
}
