package dev.muster.hub.amqp;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the listener learnt about an AMQP connection before handing it to a hub: which hub it is for, and the TLS
 * client chain it presented (X.509 devices authenticate with it instead of a CBS token).
 */
public record AmqpPeer(String hub, List<X509Certificate> clientChain) {
    public AmqpPeer {
        clientChain = clientChain == null ? List.of() : List.copyOf(clientChain);
    }
}
