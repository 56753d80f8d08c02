package dev.muster.server.amqp;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.impl.ProtonConnectionImpl;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import io.vertx.proton.sasl.ProtonSaslAuthenticatorFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of SASL for device connections: advertises the configured {@link DeviceSaslMechanism}s, drives the chosen
 * one (challenges included), accepts clients that skip SASL (the C SDK's X.509 mode), and closes connections that have
 * not finished within the timeout. The outcome is stored on the connection ({@link #identity(ProtonConnection)}).
 */
public final class DeviceSaslAuthenticator implements ProtonSaslAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceSaslAuthenticator.class);
    private static final String IDENTITY_KEY = "muster.amqp.identity";

    private final Vertx vertx;
    private final Map<String, DeviceSaslMechanism.Factory> mechanisms;
    private final long timeoutMillis;
    private Sasl sasl;
    private NetSocket socket;
    private ProtonConnection connection;
    private DeviceSaslMechanism current;
    private DeviceSaslMechanism.Peer peer;
    private long timer = -1;
    private boolean busy;
    private boolean done;
    private boolean succeeded;

    DeviceSaslAuthenticator(Vertx vertx, Map<String, DeviceSaslMechanism.Factory> mechanisms, long timeoutMillis) {
        this.vertx = vertx;
        this.mechanisms = mechanisms;
        this.timeoutMillis = timeoutMillis;
    }

    /** A factory for {@code ProtonServer.saslAuthenticatorFactory}; the first mechanism is the server's preference. */
    public static ProtonSaslAuthenticatorFactory factory(Vertx vertx, List<DeviceSaslMechanism.Factory> mechanisms,
                                                         long timeoutMillis) {
        Map<String, DeviceSaslMechanism.Factory> byName = new LinkedHashMap<>();
        mechanisms.forEach(m -> byName.put(m.name().toUpperCase(Locale.ROOT), m));
        Map<String, DeviceSaslMechanism.Factory> frozen = Collections.unmodifiableMap(byName);
        return () -> new DeviceSaslAuthenticator(vertx, frozen, timeoutMillis);
    }

    /** The identity SASL established for this connection; null before SASL finished. */
    public static AmqpDeviceIdentity identity(ProtonConnection connection) {
        return connection.attachments().get(IDENTITY_KEY, AmqpDeviceIdentity.class);
    }

    @Override
    public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
        this.socket = socket;
        this.connection = connection;
        this.sasl = transport.sasl();
        sasl.server();
        sasl.allowSkip(true);
        sasl.setMechanisms(mechanisms.keySet().toArray(String[]::new));
        if (timeoutMillis > 0) {
            timer = vertx.setTimer(timeoutMillis, id -> {
                timer = -1;
                if (!done) {
                    LOG.debug("AMQP client {} did not finish SASL within {} ms; closing", socket.remoteAddress(),
                            timeoutMillis);
                    done = true;
                    socket.close();
                }
            });
        }
    }

    @Override
    public void process(Handler<Boolean> completion) {
        if (done) {
            completion.handle(true);
            return;
        }
        if (busy) {
            completion.handle(false);
            return;
        }
        Future<DeviceSaslMechanism.Step> step;
        if (current == null) {
            String[] chosen = sasl.getRemoteMechanisms();
            if (chosen.length == 0) {
                if (connection.getRemoteContainer() != null) {
                    // The client sent the AMQP header and open without SASL (allowed: the C SDK does so for X.509).
                    finish(TlsOnlyMechanism.identity(AmqpDeviceIdentity.NO_SASL, peer()), completion);
                } else {
                    completion.handle(false);
                }
                return;
            }
            DeviceSaslMechanism.Factory factory = mechanisms.get(chosen[0].toUpperCase(Locale.ROOT));
            if (factory == null) {
                refuse("mechanism " + chosen[0] + " is not offered", completion);
                return;
            }
            current = factory.create();
            step = safely(() -> current.start(peer(), pending()));
        } else if (sasl.pending() > 0) {
            step = safely(() -> current.respond(pending()));
        } else {
            completion.handle(false);
            return;
        }
        busy = true;
        Context context = vertx.getOrCreateContext();
        boolean[] synchronous = {true};
        step.onComplete(ar -> {
            if (synchronous[0] || Vertx.currentContext() == context) {
                advance(ar, completion, !synchronous[0]);
            } else {
                context.runOnContext(v -> advance(ar, completion, true));
            }
        });
        synchronous[0] = false;
    }

    private void advance(AsyncResult<DeviceSaslMechanism.Step> ar, Handler<Boolean> completion, boolean async) {
        busy = false;
        if (done) {
            completion.handle(true);
            return;
        }
        if (ar.failed()) {
            LOG.warn("SASL mechanism failed", ar.cause());
            sasl.done(Sasl.SaslOutcome.PN_SASL_TEMP);
            done = true;
            cancelTimer();
            completion.handle(true);
            return;
        }
        DeviceSaslMechanism.Step s = ar.result();
        if (s.challenge() != null) {
            sasl.send(s.challenge(), 0, s.challenge().length);
            completion.handle(false);
            if (async) {
                flush();
            }
        } else if (s.identity() != null) {
            if (s.additionalData() != null) {
                sasl.send(s.additionalData(), 0, s.additionalData().length);
            }
            finish(s.identity(), completion);
        } else {
            refuse(s.refusal(), completion);
        }
    }

    private void finish(AmqpDeviceIdentity identity, Handler<Boolean> completion) {
        connection.attachments().set(IDENTITY_KEY, AmqpDeviceIdentity.class, identity);
        if (!AmqpDeviceIdentity.NO_SASL.equals(identity.mechanism())) {
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
        }
        succeeded = true;
        done = true;
        cancelTimer();
        completion.handle(true);
    }

    private void refuse(String reason, Handler<Boolean> completion) {
        LOG.debug("AMQP client {} refused at SASL: {}", socket.remoteAddress(), reason);
        sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        done = true;
        cancelTimer();
        completion.handle(true);
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void flush() {
        // A challenge computed off the socket's read path must be written out now, not with the next inbound bytes.
        if (connection instanceof ProtonConnectionImpl impl) {
            impl.flush();
        }
    }

    private DeviceSaslMechanism.Peer peer() {
        if (peer == null) {
            String host = null;
            try {
                host = sasl.getHostname();
            } catch (IllegalStateException e) {
                // not a server role; cannot happen after init
            }
            peer = new DeviceSaslMechanism.Peer(socket, host);
        }
        return peer;
    }

    private byte[] pending() {
        int n = sasl.pending();
        byte[] data = new byte[Math.max(n, 0)];
        if (n > 0) {
            sasl.recv(data, 0, n);
        }
        return data;
    }

    private static Future<DeviceSaslMechanism.Step> safely(Callable<Future<DeviceSaslMechanism.Step>> f) {
        try {
            Future<DeviceSaslMechanism.Step> result = f.call();
            return result != null ? result : Future.failedFuture(new IllegalStateException("mechanism returned null"));
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public boolean succeeded() {
        return succeeded;
    }
}
