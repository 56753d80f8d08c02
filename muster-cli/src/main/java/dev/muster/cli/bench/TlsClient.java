package dev.muster.cli.bench;

import dev.muster.server.tls.LocalPki;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The load generator's TLS side: Netty on NIO with BoringSSL (netty-tcnative, already on the class path through
 * Vert.x), so a client handshake costs native crypto only. Every connection gets a new engine created without
 * peer host and port, which is what keeps Netty's client session cache out of play: each device does a full
 * handshake, as a device booting for the first time does.
 */
public final class TlsClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final SslContext ssl;
    private final String provider;
    private final X509Devices.KeyManager devices;

    /**
     * @param caPem the CA the devices trust (Muster's DATA_DIR/tls/ca.pem)
     * @param devices client certificates of X.509 devices, chosen per connection (see {@link #newHandler}); null for
     *                symmetric-key devices
     */
    public TlsClient(Path caPem, int threads, X509Devices.KeyManager devices) throws IOException, GeneralSecurityException {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        SslProvider p = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        this.provider = p == SslProvider.OPENSSL ? OpenSsl.versionString() : "JDK";
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(p)
                .trustManager(new PinningTrustManager(trustManager(caPem)))
                .protocols("TLSv1.3", "TLSv1.2");
        if (p == SslProvider.OPENSSL) {
            // What device TLS stacks (OpenSSL 1.1/3.0, mbedTLS, JSSE) offer. Left to its defaults, BoringSSL offers
            // the X25519MLKEM768 hybrid first, which a BoringSSL server then picks (several times the cost of X25519)
            // while nginx's OpenSSL 3.0 cannot: the two would not do the same handshake.
            b.option(OpenSslContextOption.GROUPS, new String[] {"X25519", "P-256"});
        }
        if (devices != null) {
            b.keyManager(devices);
        }
        this.devices = devices;
        this.ssl = b.build();
    }

    public EventLoopGroup group() {
        return group;
    }

    /** "BoringSSL" (or the JDK fallback), for the report. */
    public String provider() {
        return provider;
    }

    /** A fresh engine for one connection: no peer host, so no session to resume; SNI set by hand when a name. */
    public SslHandler newHandler(ByteBufAllocator alloc, String sniHost) {
        return newHandler(alloc, sniHost, null);
    }

    /** @param device the X.509 device whose certificate this connection presents; null for none */
    public SslHandler newHandler(ByteBufAllocator alloc, String sniHost, String device) {
        SSLEngine engine = ssl.newEngine(alloc);
        if (device != null && devices != null) {
            devices.bind(engine, device);
        }
        if (sniHost != null && !sniHost.isEmpty() && !Character.isDigit(sniHost.charAt(0)) && !sniHost.contains(":")) {
            SSLParameters params = engine.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sniHost)));
            engine.setSSLParameters(params);
        }
        SslHandler handler = new SslHandler(engine);
        handler.setHandshakeTimeout(10, TimeUnit.SECONDS);
        if (device != null && devices != null) {
            handler.handshakeFuture().addListener(f -> devices.unbind(engine));
        }
        return handler;
    }

    public Bootstrap bootstrap() {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static X509TrustManager trustManager(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : LocalPki.Pem.readCertificates(caPem)) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (X509TrustManager) Arrays.stream(tmf.getTrustManagers()).filter(t -> t instanceof X509TrustManager)
                .findFirst().orElseThrow();
    }

    /**
     * Validates a server chain with the JDK's PKIX checks the first time it is seen, then accepts the identical
     * bytes without parsing them again. Every connection of a storm presents the same chain, and re-running Java's
     * certificate path validation per connection would make the client, not the server, the bottleneck.
     */
    static final class PinningTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private volatile byte[][] validated;

        PinningTrustManager(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        private void check(X509Certificate[] chain, String authType) throws CertificateException {
            byte[][] known = validated;
            if (known != null && known.length == chain.length) {
                boolean same = true;
                for (int i = 0; i < chain.length && same; i++) {
                    same = Arrays.equals(known[i], chain[i].getEncoded());
                }
                if (same) {
                    return;
                }
            }
            delegate.checkServerTrusted(chain, authType);
            byte[][] encoded = new byte[chain.length][];
            for (int i = 0; i < chain.length; i++) {
                encoded[i] = chain[i].getEncoded();
            }
            validated = encoded;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
