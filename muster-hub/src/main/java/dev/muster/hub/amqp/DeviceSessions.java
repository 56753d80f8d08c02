package dev.muster.hub.amqp;

import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubDevice;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.telemetry.ConnectionAuth;
import io.vertx.core.AsyncResult;
import io.vertx.proton.ProtonLink;
import io.vertx.proton.ProtonReceiver;
import io.vertx.proton.ProtonSender;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of one AMQP connection (reference §5): each device's links, whichever session of the connection they
 * come on (the Java client opens one session per device, several when it multiplexes). The first link of a device
 * admits it: by the device token put on {@code $cbs} (Java names the audience {@code {host}/devices/{id}}), else by
 * the connection's TLS client certificate (X.509 devices open no CBS links and no SASL layer). A token session lasts
 * while its token is renewed on {@code $cbs}; once it expires the device's links are detached with
 * {@code amqp:unauthorized-access}. Everything here runs on the connection's context.
 */
final class DeviceSessions {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSessions.class);

    private final HubAmqpConnection connection;
    private final AmqpDevices devices;
    private final Clock clock;
    private final Map<ConnectionKey, DeviceSession> sessions = new HashMap<>();
    /** Admissions under way, with the attaches that wait for them. */
    private final Map<ConnectionKey, List<Waiter>> admitting = new HashMap<>();
    private final Map<ConnectionKey, Long> expiryTimers = new HashMap<>();
    private boolean closed;

    private record Waiter(ProtonLink<?> link, Consumer<DeviceSession> then) {}

    /** What the store said of a device asking to be admitted: its identity, or why not. */
    private record Admission(DeviceIdentity identity, String connectionId, boolean x509, String refusal) {
        static Admission refused(String why) {
            return new Admission(null, null, false, why);
        }
    }

    DeviceSessions(HubAmqpConnection connection, AmqpDevices devices, Clock clock) {
        this.connection = connection;
        this.devices = devices;
        this.clock = clock;
    }

    AmqpDevices devices() {
        return devices;
    }

    void onContext(Runnable work) {
        connection.onContext(work);
    }

    /**
     * A client sender link: the device sends telemetry, twin requests or method answers.
     *
     * @return false if the address is not a device's
     */
    boolean receiverOpened(ProtonReceiver receiver, String address) {
        DeviceLinkAddress a = DeviceLinkAddress.parse(address);
        if (a == null) {
            return false;
        }
        switch (a.kind()) {
            case TELEMETRY -> withSession(receiver, a, s -> new DeviceTelemetryLink(s, receiver).attach());
            case TWIN -> withSession(receiver, a, s -> s.twin().requests(receiver));
            case METHODS -> withSession(receiver, a, s -> s.methods().responses(receiver));
            case CLOUD_TO_DEVICE -> AmqpLinks.refuse(receiver, AmqpError.NOT_ALLOWED, "'" + address
                    + "' is where a device receives; attach a receiver link to it.");
        }
        return true;
    }

    /** A client receiver link: the device takes cloud-to-device messages, twin answers or method requests. */
    boolean senderOpened(ProtonSender sender, String address) {
        DeviceLinkAddress a = DeviceLinkAddress.parse(address);
        if (a == null) {
            return false;
        }
        switch (a.kind()) {
            case CLOUD_TO_DEVICE -> withSession(sender, a, s -> new DeviceCloudToDeviceLink(s, sender).attach());
            case TWIN -> withSession(sender, a, s -> s.twin().replies(sender));
            case METHODS -> withSession(sender, a, s -> s.methods().requests(sender));
            case TELEMETRY -> AmqpLinks.refuse(sender, AmqpError.NOT_ALLOWED, "'" + address
                    + "' is where a device sends; attach a sender link to it.");
        }
        return true;
    }

    private void withSession(ProtonLink<?> link, DeviceLinkAddress a, Consumer<DeviceSession> then) {
        ConnectionKey key = a.key(connection.hub());
        DeviceSession s = sessions.get(key);
        if (s != null) {
            if (s.authorized()) {
                then.accept(s);
            } else {
                AmqpLinks.refuse(link, AmqpError.UNAUTHORIZED_ACCESS, "The token of device " + key.clientId()
                        + " has expired; put a new one on $cbs.");
            }
            return;
        }
        List<Waiter> waiting = admitting.get(key);
        if (waiting != null) {
            waiting.add(new Waiter(link, then));
            return;
        }
        waiting = new ArrayList<>();
        waiting.add(new Waiter(link, then));
        admitting.put(key, waiting);
        admit(key);
    }

    private void admit(ConnectionKey key) {
        DeviceQueue queue = new DeviceQueue(key.hub(), key.deviceId(), key.moduleId());
        boolean token = tokenValid(queue);
        List<X509Certificate> chain = connection.peer().clientChain();
        if (!token && chain.isEmpty()) {
            admitted(key, io.vertx.core.Future.succeededFuture(Admission.refused("no valid token for "
                    + key.clientId() + " was put on $cbs, and the connection presented no client certificate")));
            return;
        }
        AmqpDevices.Options o = devices.options();
        o.blocking().run(() -> {
            Optional<HubDevice> device = o.hub().devices().storedDevice(key.hub(), key.deviceId());
            if (device.isEmpty()) {
                return Admission.refused("device " + key.deviceId() + " is not registered");
            }
            if (!device.get().isEnabled()) {
                return Admission.refused("device " + key.deviceId() + " is disabled");
            }
            if (key.isModule() && !o.hub().modules().exists(key.hub(), key.deviceId(), key.moduleId())) {
                return Admission.refused("module " + key.clientId() + " is not registered");
            }
            ConnectionAuth auth = ConnectionAuth.SAS;
            if (!token) {
                Optional<String> refusal = key.isModule()
                        ? o.hub().authentication().authenticateModuleCertificate(key.hub(), key.deviceId(),
                                key.moduleId(), chain)
                        : o.hub().authentication().authenticateDeviceCertificate(key.hub(), key.deviceId(), chain);
                if (refusal.isPresent()) {
                    return Admission.refused(refusal.get());
                }
                auth = ConnectionAuth.ofCertificate(device.get(), key.isModule());
            }
            String connectionId = o.live().connections().connected(key);
            return new Admission(new DeviceIdentity(key, auth, device.get().generationId()), connectionId,
                    !token, null);
        }).onComplete(ar -> onContext(() -> admitted(key, ar)));
    }

    private void admitted(ConnectionKey key, AsyncResult<Admission> ar) {
        List<Waiter> waiting = admitting.remove(key);
        if (ar.failed()) {
            LOG.warn("admitting device {} over AMQP failed", key, ar.cause());
            refuseAll(waiting, AmqpError.INTERNAL_ERROR, "Internal error; see the server log.");
            return;
        }
        Admission admission = ar.result();
        if (admission.refusal() != null) {
            LOG.info("hub {} refused device {} over AMQP: {}", key.hub(), key.clientId(), admission.refusal());
            refuseAll(waiting, AmqpError.UNAUTHORIZED_ACCESS, "Unauthorized: put a valid token for "
                    + key.clientId() + " on $cbs, or connect with its client certificate.");
            return;
        }
        DeviceSession s = new DeviceSession(this, admission.identity(), admission.connectionId(), admission.x509());
        if (closed) {
            disconnected(s);
            return;
        }
        sessions.put(key, s);
        LOG.debug("device {} connected to hub {} over AMQP", key.clientId(), key.hub());
        if (!s.isX509()) {
            scheduleExpiry(s);
        }
        for (Waiter w : waiting) {
            w.then().accept(s);
        }
    }

    private static void refuseAll(List<Waiter> waiting, Symbol condition, String description) {
        for (Waiter w : waiting) {
            AmqpLinks.refuse(w.link(), condition, description);
        }
    }

    boolean tokenValid(DeviceQueue queue) {
        return connection.grants().device(queue, clock.instant());
    }

    /** Checks the device's token when it is due to expire; a renewed one (put again on $cbs) moves the check on. */
    private void scheduleExpiry(DeviceSession s) {
        Instant expiry = connection.grants().deviceExpiry(s.queue());
        if (expiry == null) {
            return;
        }
        long delay = Math.max(1, Duration.between(clock.instant(), expiry).toMillis() + 1);
        expiryTimers.put(s.key(), connection.vertx().setTimer(delay, id -> {
            expiryTimers.remove(s.key(), id);
            if (s.ended()) {
                return;
            }
            if (tokenValid(s.queue())) {
                scheduleExpiry(s);
                return;
            }
            LOG.info("the token of device {} on hub {} expired without renewal; detaching its AMQP links",
                    s.key().clientId(), s.key().hub());
            s.detachAll(new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "The token of device "
                    + s.key().clientId() + " expired; put a new one on $cbs before it does."));
        }));
    }

    /** The session is over (last link gone, token expired, connection lost). */
    void end(DeviceSession s) {
        if (s.ended()) {
            return;
        }
        sessions.remove(s.key(), s);
        Long timer = expiryTimers.remove(s.key());
        if (timer != null) {
            connection.vertx().cancelTimer(timer);
        }
        s.finish();
        disconnected(s);
        LOG.debug("device {} left hub {} (AMQP)", s.key().clientId(), s.key().hub());
    }

    private void disconnected(DeviceSession s) {
        devices.options().blocking().run(() -> {
            devices.options().live().connections().disconnected(s.key(), s.connectionId());
            return null;
        }).onFailure(e -> LOG.warn("could not record that {} disconnected: {}", s.key(), e.toString()));
    }

    void noteActivity(DeviceSession s) {
        var connections = devices.options().live().connections();
        if (connections.activityDue(s.connectionId())) {
            devices.options().blocking().run(() -> {
                connections.active(s.key(), s.connectionId());
                return null;
            });
        }
    }

    /** The connection is gone: every device on it is disconnected. */
    void closed() {
        closed = true;
        for (DeviceSession s : List.copyOf(sessions.values())) {
            end(s);
        }
    }
}
