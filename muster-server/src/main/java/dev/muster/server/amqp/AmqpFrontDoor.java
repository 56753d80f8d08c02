package dev.muster.server.amqp;

import dev.muster.hub.amqp.AmqpPeer;
import dev.muster.hub.amqp.HubAmqpEndpoint;
import dev.muster.server.device.DpsAmqpEndpoint;
import dev.muster.transport.ClientCertificates;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import io.vertx.proton.sasl.ProtonSaslAuthenticator;
import io.vertx.proton.sasl.ProtonSaslAuthenticatorFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every AMQP connection (5671, or bridged from a WebSocket on 443) enters here. SASL is the same for all (the device
 * mechanisms DPS offers, ANONYMOUS, EXTERNAL, or none at all); then the host name the client's Open frame names
 * decides: a built-in hub's host goes to the hub endpoint, anything else to DPS, as before. A client that names no
 * host is routed by the TLS server name it asked for, then by the address it dialled (the hubs listen on their own
 * loopback addresses), so a hub is reached whichever of the three the client sets.
 */
public final class AmqpFrontDoor {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpFrontDoor.class);
    private static final String ROUTE_KEY = "muster.amqp.route";

    private final Vertx vertx;
    private final DpsAmqpEndpoint dps;
    private final HubAmqpEndpoint hub;
    private final Predicate<String> isHubHost;
    private final List<DeviceSaslMechanism.Factory> mechanisms;
    private final long saslTimeoutMillis;

    /** What the socket said before AMQP began: the TLS server name, the local address, the client chain. */
    private record SocketFacts(String serverName, String localAddress, List<X509Certificate> clientChain) {}

    /**
     * @param dps null on a node that serves hubs only
     * @param mechanisms SASL mechanisms offered, in preference order
     */
    public AmqpFrontDoor(Vertx vertx, DpsAmqpEndpoint dps, HubAmqpEndpoint hub, Predicate<String> isHubHost,
                         List<DeviceSaslMechanism.Factory> mechanisms, long saslTimeoutMillis) {
        this.vertx = vertx;
        this.dps = dps;
        this.hub = hub;
        this.isHubHost = isHubHost;
        this.mechanisms = List.copyOf(mechanisms);
        this.saslTimeoutMillis = saslTimeoutMillis;
    }

    /** A Proton server with these options (TLS or plain); call {@link #listen} on it. */
    public ProtonServer server(ProtonServerOptions options, Handler<Throwable> socketErrors) {
        ProtonSaslAuthenticatorFactory sasl = SocketErrorsReported.around(
                DeviceSaslAuthenticator.factory(vertx, mechanisms, saslTimeoutMillis), socketErrors);
        return ProtonServer.create(vertx, options)
                .saslAuthenticatorFactory(() -> new RecordingSocketFacts(sasl.create()))
                .connectHandler(this::connected);
    }

    public static Future<ProtonServer> listen(ProtonServer server, String host, int port) {
        Promise<ProtonServer> listening = Promise.promise();
        server.listen(port, host, listening::handle);
        return listening.future();
    }

    private void connected(ProtonConnection connection) {
        connection.openHandler(ar -> {
            if (ar.failed()) {
                return;
            }
            SocketFacts facts = connection.attachments().get(ROUTE_KEY, SocketFacts.class);
            String host = hubHost(connection.getRemoteHostname(), facts);
            if (host != null) {
                hub.serve(connection, new AmqpPeer(host, facts == null ? List.of() : facts.clientChain()));
            } else if (dps != null) {
                dps.serve(connection);
            } else {
                LOG.debug("AMQP client named host '{}', which is no hub served here", connection.getRemoteHostname());
                connection.setCondition(new ErrorCondition(AmqpError.NOT_FOUND, "No IoT hub is served at host '"
                        + connection.getRemoteHostname() + "'."));
                connection.setContainer("muster-hub").open();
                connection.close();
            }
        });
    }

    /** The hub host this connection is for, or null when it is for DPS. */
    private String hubHost(String openHostname, SocketFacts facts) {
        for (String candidate : new String[] {openHostname, facts == null ? null : facts.serverName(),
                facts == null ? null : facts.localAddress()}) {
            if (candidate == null || candidate.isBlank()) {
                continue;
            }
            String host = withoutPort(candidate.strip()).toLowerCase(Locale.ROOT);
            // The first name the client gave decides; a DPS host name is not overridden by the address dialled.
            return isHubHost.test(host) ? host : null;
        }
        return null;
    }

    private static String withoutPort(String host) {
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }

    /** Keeps what the socket knows for the routing decision, then lets the real SASL authenticator work. */
    private static final class RecordingSocketFacts implements ProtonSaslAuthenticator {
        private final ProtonSaslAuthenticator sasl;

        RecordingSocketFacts(ProtonSaslAuthenticator sasl) {
            this.sasl = sasl;
        }

        @Override
        public void init(NetSocket socket, ProtonConnection connection, Transport transport) {
            String serverName = socket.isSsl() ? socket.indicatedServerName() : null;
            String local = socket.localAddress() == null ? null : socket.localAddress().hostAddress();
            List<X509Certificate> chain = ClientCertificates.of(socket.isSsl() ? socket.sslSession() : null,
                    socket.remoteAddress());
            connection.attachments().set(ROUTE_KEY, SocketFacts.class, new SocketFacts(serverName, local, chain));
            sasl.init(socket, connection, transport);
        }

        @Override
        public void process(Handler<Boolean> completion) {
            sasl.process(completion);
        }

        @Override
        public boolean succeeded() {
            return sasl.succeeded();
        }
    }
}
