package dev.muster.server.amqp;

import io.vertx.core.Future;
import io.vertx.core.net.NetSocket;

/**
 * One SASL exchange on one AMQP connection, server side. This is the seam for further mechanisms: PLAIN, ANONYMOUS
 * and EXTERNAL finish in one step; the DPS {@code TPM} mechanism (reference §3, §6) will answer {@link #start} with
 * {@link Step#challenge} rounds (SRK request, activation-blob segments) and may look things up asynchronously, which
 * is why every step is a {@link Future}. Futures may complete on any thread; the authenticator moves the result back
 * to the connection's context.
 */
public interface DeviceSaslMechanism {

    /** The client chose this mechanism; {@code initialResponse} is the sasl-init payload (empty when absent). */
    Future<Step> start(Peer peer, byte[] initialResponse);

    /** The client answered the last challenge. */
    default Future<Step> respond(byte[] response) {
        return Future.succeededFuture(Step.refused("this mechanism sends no challenges"));
    }

    /** Creates a fresh exchange per connection; {@link #name()} is what the server advertises in sasl-mechanisms. */
    interface Factory {
        String name();

        DeviceSaslMechanism create();
    }

    /** What the mechanism may know about the connection: the socket (TLS session for X.509) and the sasl-init host. */
    record Peer(NetSocket socket, String saslHostname) {}

    /**
     * The next move: exactly one of challenge (send and wait for {@link #respond}), identity (success) or refusal.
     *
     * @param additionalData sent with a successful outcome, may be null
     */
    record Step(byte[] challenge, AmqpDeviceIdentity identity, byte[] additionalData, String refusal) {
        public static Step challenge(byte[] data) {
            return new Step(data, null, null, null);
        }

        public static Step success(AmqpDeviceIdentity identity) {
            return new Step(null, identity, null, null);
        }

        public static Step refused(String reason) {
            return new Step(null, null, null, reason);
        }
    }
}
