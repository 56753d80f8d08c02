package dev.muster.server.tls;

import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server-side TLS settings shared by every listener: Muster's certificate, BoringSSL when Netty can load it. */
public final class TlsOptions {
    private static final Logger LOG = LoggerFactory.getLogger(TlsOptions.class);

    private TlsOptions() {}

    public static PemKeyCertOptions keyCert(LocalPki pki) {
        return new PemKeyCertOptions()
                .setCertPath(pki.serverCertificate().toString())
                .setKeyPath(pki.serverKey().toString());
    }

    public static SSLEngineOptions engine() {
        if (OpenSSLEngineOptions.isAvailable()) {
            return new OpenSSLEngineOptions();
        }
        LOG.info("BoringSSL (netty-tcnative) is not available on this platform; using the JDK TLS engine");
        return new JdkSSLEngineOptions();
    }
}
