package dev.muster.server.tls;

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
    private ClientCertificates() {}

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
