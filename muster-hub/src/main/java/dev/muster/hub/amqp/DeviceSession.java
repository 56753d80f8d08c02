package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.ConnectionKey;
import io.vertx.proton.ProtonLink;
import java.util.ArrayList;
import java.util.List;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

/**
 * One device (or module) admitted on one AMQP connection: who it is, its row in the shared connection state, and the
 * links it has open. It lasts while it has links (the device reads Connected in the registry meanwhile) and ends when
 * the last one detaches, its token expires, or the connection goes. Used on the connection's context only.
 */
final class DeviceSession {
    private final DeviceSessions sessions;
    private final DeviceIdentity identity;
    private final String connectionId;
    /** Admitted by TLS client certificate: no token to expire. */
    private final boolean x509;
    private final List<DeviceLink> links = new ArrayList<>();
    private DeviceTwinLinks twin;
    private DeviceMethodLinks methods;
    private boolean ended;

    DeviceSession(DeviceSessions sessions, DeviceIdentity identity, String connectionId, boolean x509) {
        this.sessions = sessions;
        this.identity = identity;
        this.connectionId = connectionId;
        this.x509 = x509;
    }

    ConnectionKey key() {
        return identity.key();
    }

    DeviceQueue queue() {
        ConnectionKey k = identity.key();
        return new DeviceQueue(k.hub(), k.deviceId(), k.moduleId());
    }

    DeviceIdentity identity() {
        return identity;
    }

    String connectionId() {
        return connectionId;
    }

    boolean isX509() {
        return x509;
    }

    boolean ended() {
        return ended;
    }

    AmqpDevices devices() {
        return sessions.devices();
    }

    /** Whether the device may still use its links: a certificate session always, a token session until expiry. */
    boolean authorized() {
        return !ended && (x509 || sessions.tokenValid(queue()));
    }

    void onContext(Runnable work) {
        sessions.onContext(work);
    }

    /** The device sent something: last activity in the connection state, now and then. */
    void noteActivity() {
        sessions.noteActivity(this);
    }

    DeviceTwinLinks twin() {
        if (twin == null) {
            twin = new DeviceTwinLinks(this);
        }
        return twin;
    }

    DeviceMethodLinks methods() {
        if (methods == null) {
            methods = new DeviceMethodLinks(this);
        }
        return methods;
    }

    /** Answers the device's attach (terminus as the device asked) and keeps the link until either side detaches. */
    void attach(DeviceLink link) {
        ProtonLink<?> l = link.link();
        l.setSource(l.getRemoteSource());
        l.setTarget(l.getRemoteTarget());
        l.closeHandler(ar -> {
            l.close();
            linkGone(link);
        });
        l.detachHandler(ar -> {
            l.detach();
            linkGone(link);
        });
        links.add(link);
        l.open();
    }

    private void linkGone(DeviceLink link) {
        if (links.remove(link)) {
            link.closed();
            if (links.isEmpty()) {
                sessions.end(this);
            }
        }
    }

    /** Detaches every link with the error (an expired token: {@code amqp:unauthorized-access}) and ends. */
    void detachAll(ErrorCondition why) {
        for (DeviceLink link : List.copyOf(links)) {
            link.link().setCondition(why);
            link.link().close();
        }
        sessions.end(this);
    }

    /** The session is over: every link's resources go back (messages held, method and twin registrations). */
    void finish() {
        if (ended) {
            return;
        }
        ended = true;
        List<DeviceLink> open = List.copyOf(links);
        links.clear();
        open.forEach(DeviceLink::closed);
    }
}
