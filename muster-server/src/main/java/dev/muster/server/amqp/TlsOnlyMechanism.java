package dev.muster.server.amqp;

import dev.muster.core.registration.DeviceCredentials;
import dev.muster.transport.ClientCertificates;
import io.vertx.core.Future;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * ANONYMOUS and EXTERNAL (X.509 devices): the mechanism names nobody; the device comes from the link address and the
 * credentials are the TLS client chain, if the client presented one (X.509 attestation; without one the registration
 * engine answers 401).
 */
public final class TlsOnlyMechanism implements DeviceSaslMechanism {
    public static final Factory ANONYMOUS = factory("ANONYMOUS");
    public static final Factory EXTERNAL = factory("EXTERNAL");
    /** Azure's "the token comes by CBS" mechanism: names nobody, like ANONYMOUS. */
    public static final Factory MSSBCBS = factory("MSSBCBS");

    private final String name;

    private TlsOnlyMechanism(String name) {
        this.name = name;
    }

    private static Factory factory(String name) {
        return new Factory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DeviceSaslMechanism create() {
                return new TlsOnlyMechanism(name);
            }
        };
    }

    @Override
    public Future<Step> start(Peer peer, byte[] initialResponse) {
        return Future.succeededFuture(Step.success(identity(name, peer)));
    }

    /** Identity of a connection authenticated by TLS alone (also used when the client skips SASL). */
    public static AmqpDeviceIdentity identity(String mechanism, Peer peer) {
        return new AmqpDeviceIdentity(mechanism, null, null, new DeviceCredentials(null, clientChain(peer)));
    }

    static List<X509Certificate> clientChain(Peer peer) {
        if (peer == null || peer.socket() == null) {
            return List.of();
        }
        return ClientCertificates.of(peer.socket().isSsl() ? peer.socket().sslSession() : null,
                peer.socket().remoteAddress());
    }

}
