package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.PartitionOwner;
import dev.muster.core.hub.events.PartitionState;
import io.vertx.proton.ProtonSender;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client receiver on {@code {entity}/ConsumerGroups/{group}/Partitions/{id}} once admitted: events come from the
 * store page by page, never more than the credit the client gave (so a consumer that stops reading costs nothing but
 * its position), after a local append it is told of ({@link #appended}) or, for appends on other nodes, when its
 * poll finds them. It also watches the partition's owner record, so a receiver displaced by an owner level on another
 * node is detached with {@code amqp:link:stolen} too. Every method runs on the connection's context.
 */
final class PartitionReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionReceiver.class);
    static final int PAGE = 64;

    /** What the receiver was admitted with. */
    record Options(String hub, String consumerGroup, int partition, Long ownerLevel, String holder,
                   boolean lastEnqueuedMetric, long firstSequence) {}

    private final EventHubsEndpoint endpoint;
    private final EventHubsPeer peer;
    private final ProtonSender sender;
    private final Options options;
    private long next;
    private boolean reading;
    /** An append was announced while a read was under way: read again at once rather than at the next poll. */
    private boolean appendedMeanwhile;
    private boolean closed;
    private long timer = -1;
    private long ticks;
    private Instant lastRefresh;

    PartitionReceiver(EventHubsEndpoint endpoint, EventHubsPeer peer, ProtonSender sender, Options options) {
        this.endpoint = endpoint;
        this.peer = peer;
        this.sender = sender;
        this.options = options;
        this.next = options.firstSequence();
        this.lastRefresh = endpoint.clock().instant();
    }

    String hub() {
        return options.hub();
    }

    String consumerGroup() {
        return options.consumerGroup();
    }

    int partition() {
        return options.partition();
    }

    boolean isClosed() {
        return closed;
    }

    /** Null for a receiver without an owner level. */
    Long ownerLevel() {
        return options.ownerLevel();
    }

    void start() {
        sender.sendQueueDrainHandler(s -> pull());
        sender.closeHandler(ar -> {
            closed();
            sender.close();
        });
        sender.detachHandler(ar -> {
            closed();
            sender.detach();
        });
        sender.open();
        long interval = Math.max(50, endpoint.pollInterval().toMillis());
        timer = peer.vertx().setPeriodic(interval, id -> peer.onContext(this::tick));
        pull();
    }

    /** A local append reached {@code lastSequence} in this receiver's partition. */
    void appended(long lastSequence) {
        peer.onContext(() -> {
            if (lastSequence >= next) {
                appendedMeanwhile = reading;
                pull();
            }
        });
    }

    private void tick() {
        ticks++;
        pull();
        // The owner record is read about once a second, whatever the poll interval.
        long perSecond = Math.max(1, 1000 / Math.max(50, endpoint.pollInterval().toMillis()));
        if (!closed && ticks % perSecond == 0) {
            checkOwner();
        }
    }

    private void pull() {
        if (closed || reading || !sender.isOpen()) {
            return;
        }
        int room = sender.getCredit() - sender.getQueued();
        if (room <= 0) {
            return;
        }
        int max = Math.min(room, PAGE);
        long from = next;
        reading = true;
        endpoint.blocking().run(() -> new Page(endpoint.store().read(hub(), partition(), from, max),
                        options.lastEnqueuedMetric() ? endpoint.store().partition(hub(), partition()) : null))
                .onComplete(ar -> peer.onContext(() -> {
                    reading = false;
                    if (closed) {
                        return;
                    }
                    if (ar.failed()) {
                        LOG.warn("hub {} partition {}: reading events failed", hub(), partition(), ar.cause());
                        return;
                    }
                    deliver(ar.result());
                    boolean again = ar.result().events().size() == max || appendedMeanwhile;
                    appendedMeanwhile = false;
                    if (again) {
                        pull();
                    }
                }));
    }

    private record Page(List<HubEvent> events, PartitionState state) {}

    private void deliver(Page page) {
        Instant now = endpoint.clock().instant();
        for (HubEvent e : page.events()) {
            if (e.sequence() < next) {
                continue;
            }
            Message m = EventMessages.toMessage(e);
            if (page.state() != null) {
                m.setDeliveryAnnotations(EventMessages.lastEnqueued(page.state(), now));
            }
            sender.send(m);
            next = e.sequence() + 1;
        }
    }

    /** Whether an owner level elsewhere displaced this receiver; an owner refreshes its claim meanwhile. */
    private void checkOwner() {
        Instant now = endpoint.clock().instant();
        boolean refresh = ownerLevel() != null && lastRefresh.plus(ReceiverAdmission.REFRESH).isBefore(now);
        endpoint.blocking().run(() -> {
            ReceiverAdmission admission = endpoint.admission();
            if (ownerLevel() == null) {
                return admission.liveOwner(hub(), consumerGroup(), partition());
            }
            Optional<PartitionOwner> owner = endpoint.store().owner(hub(), consumerGroup(), partition());
            if (owner.isPresent() && !owner.get().holder().equals(options.holder())) {
                return owner;
            }
            if (refresh || owner.isEmpty()) {
                admission.claim(hub(), consumerGroup(), partition(), ownerLevel(), options.holder());
            }
            return Optional.<PartitionOwner>empty();
        }).onComplete(ar -> peer.onContext(() -> {
            if (ar.failed()) {
                if (ar.cause() instanceof EventHubsError e) {
                    stolen(e.getMessage());
                } else {
                    LOG.warn("hub {} partition {}: checking the owner failed", hub(), partition(), ar.cause());
                }
                return;
            }
            if (refresh) {
                lastRefresh = now;
            }
            ar.result().ifPresent(o -> stolen(description(o.ownerLevel())));
        }));
    }

    /** Why {@code this} is detached when a receiver with {@code level} took the partition. */
    String description(long level) {
        // Azure's wording as seen in public client logs (unconfirmed byte for byte); the SDKs go by the condition.
        return "New receiver with higher epoch of '" + level + "' is created hence current receiver with epoch '"
                + (ownerLevel() == null ? "" : ownerLevel()) + "' is getting disconnected.";
    }

    /** A local receiver with {@code level} took the partition: detach (on this link's own connection). */
    void displace(long level) {
        peer.onContext(() -> stolen(description(level)));
    }

    /** Detaches with {@code amqp:link:stolen}: another receiver took the partition. */
    void stolen(String description) {
        if (closed) {
            return;
        }
        LOG.info("hub {} group {} partition {}: receiver displaced: {}", hub(), consumerGroup(), partition(),
                description);
        sender.setCondition(new ErrorCondition(EventHubsError.LINK_STOLEN, description));
        closed();
        sender.close();
    }

    /** The link or its connection ended: stop polling; an owner gives its claim back. */
    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            peer.vertx().cancelTimer(timer);
        }
        endpoint.closed(this);
        if (ownerLevel() != null) {
            endpoint.blocking().run(() -> {
                endpoint.store().releaseOwner(hub(), consumerGroup(), partition(), options.holder());
                return null;
            });
        }
    }
}
