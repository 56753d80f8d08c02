package dev.muster.transport;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS client chain a device presented (leaf first, then the intermediates it sent). The TLS layer accepts any
 * certificate; the core decides whether the chain proves anything.
 */
public final class ClientCertificates {
    /**
     * Chains presented on 443 to the WebSocket bridge, by the local port of the bridge's connection to the plain
     * loopback listener: that listener sees the same number as its peer's port. Ports are unique on the machine at any
     * moment, so one map serves every server in the process. Entries live exactly as long as the bridged connection.
     */
    private static final java.util.Map<Integer, List<X509Certificate>> BRIDGED = new java.util.concurrent.ConcurrentHashMap<>();

    private ClientCertificates() {}

    /** The WebSocket bridge registers the outer TLS chain before any byte reaches the inner listener. */
    public static void bridge(int bridgePort, List<X509Certificate> chain) {
        if (!chain.isEmpty()) {
            BRIDGED.put(bridgePort, chain);
        }
    }

    public static void unbridge(int bridgePort) {
        BRIDGED.remove(bridgePort);
    }

    /**
     * The client chain of a connection: from its own TLS session, or, for a plain connection from loopback (the
     * WebSocket bridge), the chain the device presented to the bridge.
     */
    public static List<X509Certificate> of(SSLSession session, io.vertx.core.net.SocketAddress remote) {
        if (session != null) {
            return of(session);
        }
        if (remote != null && remote.isInetSocket() && "127.0.0.1".equals(remote.hostAddress())) {
            return BRIDGED.getOrDefault(remote.port(), List.of());
        }
        return List.of();
    }

    /** Empty when the connection is not TLS or the client sent no certificate. */
    public static List<X509Certificate> of(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        try {
            Certificate[] peer = session.getPeerCertificates();
            List<X509Certificate> out = new ArrayList<>();
            if (peer != null) {
                for (Certificate c : peer) {
                    if (c instanceof X509Certificate x) {
                        out.add(x);
                    }
                }
            }
            return List.copyOf(out);
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }
}
