package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.sas.SasToken;
import dev.muster.hub.ServiceAuthentication;
import dev.muster.transport.Blocking;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The built-in hubs' Event Hubs-compatible endpoint (reference §6), served on the hub's own AMQP listener (5671, and
 * 443 over WebSockets through the bridge): the hub's Event Hub is named by {@link EventHubNames}, clients authorize
 * with CBS tokens signed by the hub's policy, ask {@code $management} for hub and partition properties and read
 * partitions from the durable event store. Appends on this node are announced with {@link #partitionAppended}; the
 * receivers poll the store for those of other nodes.
 */
public final class EventHubsEndpoint {
    public static final Duration DEFAULT_POLL = Duration.ofMillis(250);

    /**
     * @param pollInterval how often an idle receiver with credit looks for events appended on other nodes
     */
    public record Options(HubEventStore store, ServiceAuthentication services, Blocking blocking, Clock clock,
                          Duration pollInterval) {
        public Options(HubEventStore store, ServiceAuthentication services, Blocking blocking, Clock clock) {
            this(store, services, blocking, clock, DEFAULT_POLL);
        }
    }

    private final Options options;
    private final OwnerLevels receivers = new OwnerLevels();
    private final ReceiverAdmission admission;
    private final ManagementRequests management;

    public EventHubsEndpoint(Options options) {
        this.options = options;
        this.admission = new ReceiverAdmission(options.store(), options.clock());
        this.management = new ManagementRequests(options.store(), this::tokenRefusal, options.clock());
    }

    /** The Event Hubs links of one AMQP connection to a hub. */
    public EventHubsLinks links(EventHubsPeer peer) {
        return new EventHubsLinks(this, peer);
    }

    /** Events up to {@code lastSequence} were appended to the hub's partition on this node: its receivers read on. */
    public void partitionAppended(String hub, int partition, long lastSequence) {
        for (PartitionReceiver r : receivers.onPartition(hub, partition)) {
            r.appended(lastSequence);
        }
    }

    private Optional<String> tokenRefusal(String hub, String token) {
        Optional<SasToken> sas = SasToken.parse(token);
        if (sas.isEmpty()) {
            return Optional.of("the security_token is not a SharedAccessSignature");
        }
        return options.services().authenticateServiceScope(hub, sas.get());
    }

    void opened(PartitionReceiver receiver) {
        receivers.opened(receiver);
        if (receiver.ownerLevel() != null) {
            for (PartitionReceiver displaced : receivers.displacedBy(receiver)) {
                displaced.displace(receiver.ownerLevel());
            }
        }
    }

    void closed(PartitionReceiver receiver) {
        receivers.closed(receiver);
    }

    HubEventStore store() {
        return options.store();
    }

    Blocking blocking() {
        return options.blocking();
    }

    Clock clock() {
        return options.clock();
    }

    Duration pollInterval() {
        return options.pollInterval();
    }

    ReceiverAdmission admission() {
        return admission;
    }

    ManagementRequests management() {
        return management;
    }
}
