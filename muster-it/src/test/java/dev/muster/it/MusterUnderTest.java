package dev.muster.it;

import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One Muster for the whole test JVM, on the ports the Azure SDKs hard-code (443, 8883; tests run as root on
 * loopback), with a fresh data folder. Started on first use, stopped when the JVM exits.
 */
public final class MusterUnderTest {
    private static MusterServer server;
    private static ConnectionInfo info;
    private static SSLContext trust;
    private static Path dataDir;

    private MusterUnderTest() {}

    public static synchronized ConnectionInfo info() {
        if (server == null) {
            try {
                dataDir = Files.createTempDirectory("muster-it-");
                // A short webhook deadline so CustomAllocationIT can show a time-out without waiting 10 s.
                MusterServer starting = new MusterServer(ServerConfig.builder(dataDir)
                        .webhookTimeoutMillis(CustomAllocationIT.WEBHOOK_TIMEOUT_MILLIS).build());
                info = starting.start();
                server = starting;
                trust = TrustContexts.trusting(Path.of(info.caCertificate()));
                // The Java service SDK has no per-client TLS hook; the process-wide default is its only door.
                HttpsURLConnection.setDefaultSSLSocketFactory(trust.getSocketFactory());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
        }
        return info;
    }

    public static MusterServer server() {
        info();
        return server;
    }

    public static SSLContext trust() {
        info();
        return trust;
    }

    public static Path dataDir() {
        info();
        return dataDir;
    }

    public static String hub() {
        return info().hubs().get(0).hostName();
    }
}
