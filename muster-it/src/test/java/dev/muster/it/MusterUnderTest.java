package dev.muster.it;

import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpResponse;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * One Muster for the whole test JVM, on the ports the Azure SDKs hard-code (443, 8883; tests run as root on
 * loopback), with a fresh data folder. Started on first use, stopped when the JVM exits.
 */
public final class MusterUnderTest {
    /** The second built-in hub, not linked to the default instance. */
    static final String SECOND_HUB = "127.0.10.2";
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
                // Two built-in hubs, as `muster serve` has, so tenants can be moved between shared hubs
                // (SharedHubTenancyIT); the default instance keeps only the first, so every other test knows where
                // its devices land.
                MusterServer starting = new MusterServer(ServerConfig.builder(dataDir)
                        .hubHosts(List.of(ServerConfig.DEFAULT_HUB, SECOND_HUB))
                        .webhookTimeoutMillis(CustomAllocationIT.WEBHOOK_TIMEOUT_MILLIS).build());
                info = starting.start();
                server = starting;
                trust = TrustContexts.trusting(Path.of(info.caCertificate()));
                // The Java service SDK has no per-client TLS hook; the process-wide default is its only door.
                HttpsURLConnection.setDefaultSSLSocketFactory(trust.getSocketFactory());
                HttpResponse<String> unlinked = ServiceRest.call(info.serviceConnectionString(), "DELETE",
                        "/linkedHubs/" + SECOND_HUB, null);
                if (unlinked.statusCode() != 204) {
                    throw new IllegalStateException("could not unlink " + SECOND_HUB + ": " + unlinked.body());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("the server under test did not start: " + e.getMessage(), e);
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

    /** What the operators' Prometheus listener ({@code metrics} in connection-info.json) shows now. */
    public static String metrics() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(info().metrics())).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + info().metrics() + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    public static String hub() {
        return info().hubs().get(0).hostName();
    }
}
