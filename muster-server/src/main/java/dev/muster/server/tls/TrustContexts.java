package dev.muster.server.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Client-side SSLContexts that trust Muster's CA (for the REST hub client, the CLI and tests). */
public final class TrustContexts {
    private TrustContexts() {}

    public static SSLContext trusting(Path caPem) throws IOException, GeneralSecurityException {
        return trusting(java.util.List.of(caPem));
    }

    /** Trusts every certificate in the given PEM files (and nothing else). */
    public static SSLContext trusting(java.util.List<Path> caPems) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Path pem : caPems) {
            for (X509Certificate c : LocalPki.Pem.readCertificates(pem)) {
                ks.setCertificateEntry("muster-ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Trusts the JVM's default trust store (public CAs, e.g. for Azure Functions webhooks) plus Muster's own CA
     * (webhooks served with a certificate Muster issued).
     */
    public static SSLContext systemAndMuster(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        int i = 0;
        for (TrustManager tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    ks.setCertificateEntry("system-" + i++, c);
                }
            }
        }
        for (X509Certificate c : LocalPki.Pem.readCertificates(caPem)) {
            ks.setCertificateEntry("muster-ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
