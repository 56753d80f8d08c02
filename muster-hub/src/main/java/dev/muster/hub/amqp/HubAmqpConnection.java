package dev.muster.hub.amqp;

import dev.muster.hub.eventhubs.EventHubsLinks;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.time.Clock;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection to a built-in hub: its CBS grants and its links, each routed by address. Service links
 * ({@code /messages/devicebound}, the feedback and file-notification receivers) need a valid service token put on
 * {@code $cbs} first; other addresses are refused with {@code amqp:not-found}. Device links (reference §5) attach
 * here too when they are served: they check {@link #grants()} for the device's own token.
 * Every callback runs on the connection's context.
 */
final class HubAmqpConnection {
    private static final Logger LOG = LoggerFactory.getLogger(HubAmqpConnection.class);
    static final String FILE_NOTIFICATIONS = "messages/servicebound/filenotifications";
    /** How long a closed connection's socket stays for the Close frame to leave. */
    private static final long CLOSE_GRACE_MILLIS = 500;

    private final HubAmqpEndpoint endpoint;
    private final ProtonConnection connection;
    private final AmqpPeer peer;
    private final Context context;
    private final Clock clock;
    private final ConnectionGrants grants = new ConnectionGrants();
    private final CbsLinks cbs;
    /** This connection's feedback links: they hold timers and locked batches to give back when it ends. */
    private final java.util.List<FeedbackLink> feedbackLinks = new java.util.ArrayList<>();
    /** The devices on this connection; null when the endpoint serves no device links. */
    private final DeviceSessions devices;
    /** The Event Hubs-compatible links on this connection; null when the endpoint does not serve them. */
    private final EventHubsLinks eventHubs;
    /** SHA-256 of the TLS client certificate; null when the client presented none. */
    private final String clientThumbprint;

    HubAmqpConnection(HubAmqpEndpoint endpoint, ProtonConnection connection, AmqpPeer peer, Clock clock) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.peer = peer;
        this.context = Vertx.currentContext();
        this.clock = clock;
        this.cbs = new CbsLinks(this, endpoint.cbsAuthorizer(), endpoint.blocking());
        this.devices = endpoint.devices() == null ? null : new DeviceSessions(this, endpoint.devices(), clock);
        this.eventHubs = endpoint.eventHubs() == null ? null
                : endpoint.eventHubs().links(new EventHubsConnectionPeer(this, clock));
        this.clientThumbprint = peer.clientChain().isEmpty() ? null
                : dev.muster.core.x509.Certificates.sha256(peer.clientChain().get(0));
    }

    String hub() {
        return peer.hub();
    }

    AmqpPeer peer() {
        return peer;
    }

    ConnectionGrants grants() {
        return grants;
    }

    Vertx vertx() {
        return context.owner();
    }

    boolean serviceAuthorized() {
        return grants.service(clock.instant());
    }

    void onContext(Runnable work) {
        if (Vertx.currentContext() == context) {
            work.run();
        } else {
            context.runOnContext(v -> work.run());
        }
    }

    /** The client's Open has arrived: answer it and take its sessions and links. */
    void open() {
        connection.sessionOpenHandler(session -> {
            session.closeHandler(ar -> session.close());
            session.open();
        });
        connection.receiverOpenHandler(this::receiverOpened);
        connection.senderOpenHandler(this::senderOpened);
        connection.closeHandler(ar -> {
            ended();
            connection.close();
            connection.disconnect();
        });
        connection.disconnectHandler(c -> {
            ended();
            c.disconnect();
        });
        connection.setContainer("muster-hub").open();
    }

    /** A client sender link: requests or messages arrive on our receiver. */
    private void receiverOpened(ProtonReceiver receiver) {
        String address = receiver.getRemoteTarget() == null ? null : receiver.getRemoteTarget().getAddress();
        String a = AmqpLinks.normalise(address);
        if (a.equals(CbsLinks.ADDRESS)) {
            cbs.requests(receiver);
        } else if (a.equals(C2dSendLink.ADDRESS)) {
            if (admitService(receiver, address)) {
                new C2dSendLink(this, endpoint.cloudToDevice(), endpoint.blocking()).attach(receiver);
            }
        } else if (eventHubs != null && eventHubs.receiverOpened(receiver, address)) {
            return; // the Event Hubs-compatible endpoint's $management (§6)
        } else if (devices == null || !devices.receiverOpened(receiver, address)) { // else a device's own link (§5)
            refuseUnknown(receiver, address);
        }
    }

    /** A client receiver link: we send on it. */
    private void senderOpened(ProtonSender sender) {
        String address = sender.getRemoteSource() == null ? null : sender.getRemoteSource().getAddress();
        String a = AmqpLinks.normalise(address);
        if (a.equals(CbsLinks.ADDRESS)) {
            cbs.replies(sender);
        } else if (a.equals(FeedbackLink.ADDRESS)) {
            if (admitService(sender, address)) {
                FeedbackLink link = new FeedbackLink(this, endpoint.cloudToDevice().feedback(), endpoint.blocking());
                endpoint.feedbackLinkOpened(link);
                feedbackLinks.add(link);
                link.attach(sender);
            }
        } else if (a.equals(FILE_NOTIFICATIONS)) {
            // Muster has no file upload, so there is never a notification; the link stays open and idle.
            if (admitService(sender, address)) {
                sender.setSource(sender.getRemoteSource());
                sender.setTarget(sender.getRemoteTarget());
                sender.closeHandler(ar -> sender.close());
                sender.detachHandler(ar -> sender.detach());
                sender.open();
            }
        } else if (eventHubs != null && eventHubs.senderOpened(sender, address)) {
            return; // the Event Hubs-compatible endpoint's $management or a partition receiver (§6)
        } else if (devices == null || !devices.senderOpened(sender, address)) { // else a device's own link (§5)
            refuseUnknown(sender, address);
        }
    }

    private boolean admitService(io.vertx.proton.ProtonLink<?> link, String address) {
        if (serviceAuthorized()) {
            return true;
        }
        LOG.info("hub {} refused link {} to {}: no valid service token on $cbs", hub(), link.getName(), address);
        AmqpLinks.refuse(link, AmqpError.UNAUTHORIZED_ACCESS, "Put a valid service token on $cbs before attaching "
                + address + ".");
        return false;
    }

    private void refuseUnknown(io.vertx.proton.ProtonLink<?> link, String address) {
        LOG.debug("hub {} refused link {} to unknown address {}", hub(), link.getName(), address);
        AmqpLinks.refuse(link, AmqpError.NOT_FOUND, "The hub has no AMQP node '" + address + "'.");
    }

    void feedbackLinkClosed(FeedbackLink link) {
        feedbackLinks.remove(link);
        endpoint.feedbackLinkClosed(link);
    }

    /** The connection is gone: its links' timers stop and what they held goes back. */
    private void ended() {
        for (FeedbackLink link : java.util.List.copyOf(feedbackLinks)) {
            link.closed();
        }
        endpoint.disconnected(this);
        if (devices != null) {
            devices.closed();
        }
        if (eventHubs != null) {
            eventHubs.closed();
        }
    }

    String clientThumbprint() {
        return clientThumbprint;
    }

    /** Ends the connection (its client certificate was revoked): Close with the reason, then the socket. */
    void closeUnauthorized(String reason) {
        onContext(() -> {
            LOG.info("closing AMQP connection to hub {}: {}", hub(), reason);
            connection.setCondition(new org.apache.qpid.proton.amqp.transport.ErrorCondition(
                    AmqpError.UNAUTHORIZED_ACCESS, reason));
            connection.close();
            // The client may never answer the Close; the socket goes shortly after it is on its way.
            vertx().setTimer(CLOSE_GRACE_MILLIS, id -> connection.disconnect());
        });
    }
}
