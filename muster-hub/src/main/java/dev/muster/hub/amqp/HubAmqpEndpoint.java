package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.c2d.CloudToDeviceListener;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.eventhubs.EventHubsEndpoint;
import dev.muster.transport.Blocking;
import io.vertx.proton.ProtonConnection;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in hubs' AMQP 1.0 endpoint (reference §2): CBS on {@code $cbs}, and for services the cloud-to-device
 * sender {@code /messages/devicebound} and the feedback receiver {@code /messages/servicebound/feedback}, and (with
 * {@link #withDevices}) devices' own links: telemetry, cloud-to-device, twin and methods (reference §5). The
 * listener decides a connection is for a hub (by the Open frame's host name) and hands it over with
 * {@link #serve} once the client's Open has arrived; SASL (ANONYMOUS, EXTERNAL, or none) is the listener's.
 */
public final class HubAmqpEndpoint implements CloudToDeviceListener, dev.muster.hub.CertificateSessions {
    private final CloudToDeviceQueue cloudToDevice;
    private final CbsAuthorizer cbs;
    private final Blocking blocking;
    private final Clock clock;
    private final Set<HubAmqpConnection> connections = ConcurrentHashMap.newKeySet();
    /** Open feedback links by hub key, told when the hub's feedback queue grows. */
    private final Map<String, Set<FeedbackLink>> feedbackLinks = new ConcurrentHashMap<>();
    private volatile AmqpDevices devices;
    private volatile EventHubsEndpoint eventHubs;

    public HubAmqpEndpoint(CloudToDeviceQueue cloudToDevice, CbsAuthorizer cbs, Blocking blocking, Clock clock) {
        this.cloudToDevice = cloudToDevice;
        this.cbs = cbs;
        this.blocking = blocking;
        this.clock = clock;
        cloudToDevice.addListener(this);
    }

    /** Serves devices' own links too (reference §5): telemetry, cloud-to-device, twin, methods. */
    public HubAmqpEndpoint withDevices(AmqpDevices devices) {
        this.devices = devices;
        return this;
    }

    /** Serves the hubs' Event Hubs-compatible endpoint too (reference §6): $management and partition receivers. */
    public HubAmqpEndpoint withEventHubs(EventHubsEndpoint eventHubs) {
        this.eventHubs = eventHubs;
        return this;
    }

    /** Null when the Event Hubs-compatible endpoint is not served. */
    EventHubsEndpoint eventHubs() {
        return eventHubs;
    }

    /** Takes over a connection whose Open named {@code peer.hub()}; call on the connection's context. */
    public void serve(ProtonConnection connection, AmqpPeer peer) {
        HubAmqpConnection c = new HubAmqpConnection(this, connection, peer, clock);
        connections.add(c);
        c.open();
    }

    /** How many connections are open (for tests and metrics). */
    public int connectionCount() {
        return connections.size();
    }

    CloudToDeviceQueue cloudToDevice() {
        return cloudToDevice;
    }

    /** Null when devices are not served (service links only). */
    AmqpDevices devices() {
        return devices;
    }

    CbsAuthorizer cbsAuthorizer() {
        return cbs;
    }

    Blocking blocking() {
        return blocking;
    }

    void disconnected(HubAmqpConnection c) {
        connections.remove(c);
    }

    void feedbackLinkOpened(FeedbackLink link) {
        feedbackLinks.computeIfAbsent(key(link.hub()), k -> ConcurrentHashMap.newKeySet()).add(link);
    }

    void feedbackLinkClosed(FeedbackLink link) {
        Set<FeedbackLink> links = feedbackLinks.get(key(link.hub()));
        if (links != null) {
            links.remove(link);
        }
    }

    @Override
    public void messageAvailable(DeviceQueue queue) {
        // Devices' receiver links are told by AmqpDevices, which listens to the queue itself.
    }

    @Override
    public void feedbackAvailable(String hub) {
        for (FeedbackLink link : feedbackLinks.getOrDefault(key(hub), Set.of())) {
            link.onContext(link::pull);
        }
    }

    private static String key(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }

    /**
     * Closes the connections whose TLS client certificate was revoked: the certificate is the connection's identity
     * (X.509 devices authenticate with it, not per link), so the whole connection goes, with
     * {@code amqp:unauthorized-access}.
     */
    @Override
    public int closeSessionsWith(Set<String> sha256Thumbprints, String reason) {
        int closed = 0;
        for (HubAmqpConnection c : connections) {
            if (c.clientThumbprint() != null && sha256Thumbprints.contains(c.clientThumbprint())) {
                c.closeUnauthorized(reason);
                closed++;
            }
        }
        return closed;
    }
}
