package dev.muster.hub.amqp;

import dev.muster.hub.eventhubs.EventHubsPeer;
import io.vertx.core.Vertx;
import java.time.Clock;

/** A hub connection as the Event Hubs-compatible links see it: its hub, its CBS grants, its context. */
final class EventHubsConnectionPeer implements EventHubsPeer {
    private final HubAmqpConnection connection;
    private final Clock clock;

    EventHubsConnectionPeer(HubAmqpConnection connection, Clock clock) {
        this.connection = connection;
        this.clock = clock;
    }

    @Override
    public String hub() {
        return connection.hub();
    }

    @Override
    public boolean serviceGranted(String resource) {
        return connection.grants().serviceCovering(resource, clock.instant());
    }

    @Override
    public void onContext(Runnable work) {
        connection.onContext(work);
    }

    @Override
    public Vertx vertx() {
        return connection.vertx();
    }
}
