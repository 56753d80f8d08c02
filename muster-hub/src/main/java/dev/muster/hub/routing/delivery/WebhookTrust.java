package dev.muster.hub.routing.delivery;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust webhooks are called with: the JVM's trusted CAs, plus an optional extra CA bundle (PEM) for
 * receivers with a private CA.
 */
public final class WebhookTrust {
    private WebhookTrust() {}

    /** @param extraCaPem PEM certificates to trust besides the JVM's; null or blank for the JVM's alone */
    public static SSLContext sslContext(String extraCaPem) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (extraCaPem == null || extraCaPem.isBlank()) {
                context.init(null, null, null);
                return context;
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (X509Certificate jvm : jvmTrustManager().getAcceptedIssuers()) {
                trust.setCertificateEntry("jvm-" + n++, jvm);
            }
            Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(extraCaPem.getBytes(StandardCharsets.US_ASCII)));
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("The webhook CA bundle holds no PEM certificate.");
            }
            for (Certificate c : extra) {
                trust.setCertificateEntry("extra-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("Cannot set up TLS trust for webhooks: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager jvmTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }
}
