package dev.muster.transport;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.net.TrustOptions;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Server-side TLS settings shared by every listener: Muster's certificate, BoringSSL when Netty can load it. */
public final class TlsOptions {
    private static final Logger LOG = LoggerFactory.getLogger(TlsOptions.class);

    private TlsOptions() {}

    public static PemKeyCertOptions keyCert(Path certificate, Path key) {
        return new PemKeyCertOptions()
                .setCertPath(certificate.toString())
                .setKeyPath(key.toString());
    }

    /** TLS 1.2 (what the Java SDKs offer) and 1.3. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

    /**
     * The cipher suites offered unless an operator asks for the engine's defaults: TLS 1.3's (all AEAD) and, for
     * TLS 1.2, ECDHE key exchange with AES-GCM or ChaCha20-Poly1305, so no CBC suite (AES128-SHA, ECDHE-…-SHA) and
     * no static-RSA key exchange. Azure IoT Hub's recommended TLS 1.2 suites are among them; the JDK (the Java SDKs),
     * OpenSSL (Node, Python, the C SDK, curl) and .NET all offer them.
     */
    public static final List<String> AEAD_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Device listeners serve SAS and X.509 devices on one port: they request a client certificate without requiring
     * one, and accept whatever is sent at the TLS layer; the core validates X.509 chains (with precise reasons) when a
     * device registers or connects. The empty accepted-issuers list lets clients offer any certificate.
     */
    public static TrustOptions acceptAnyClientCertificate() {
        return TrustOptions.wrap(new AcceptAnyClient());
    }

    private static final class AcceptAnyClient extends X509ExtendedTrustManager {
        private static final X509Certificate[] NONE = new X509Certificate[0];

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server-side trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return NONE;
        }
    }

    /**
     * Muster's certificate for a listener. With BoringSSL the key manager is wrapped in Netty's caching factory:
     * otherwise every handshake re-encodes the private key and chain to PEM and parses them back into native
     * memory (about a twentieth of the server's CPU in the boot-storm benchmark, see docs/benchmarks.md).
     */
    public static KeyCertOptions keyCert(Path certificate, Path key, Vertx vertx) {
        PemKeyCertOptions pem = keyCert(certificate, key);
        if (!OpenSSLEngineOptions.isAvailable()) {
            return pem;
        }
        try {
            return KeyCertOptions.wrap(new OpenSslCachingX509KeyManagerFactory(pem.getKeyManagerFactory(vertx)));
        } catch (Exception e) {
            LOG.warn("cannot cache the TLS key material ({}); using the certificate files directly", e.toString());
            return pem;
        }
    }

    public static SSLEngineOptions engine() {
        if (OpenSSLEngineOptions.isAvailable()) {
            return new OpenSSLEngineOptions();
        }
        LOG.info("BoringSSL (netty-tcnative) is not available on this platform; using the JDK TLS engine");
        return new JdkSSLEngineOptions();
    }
}
