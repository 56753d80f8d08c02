package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The configurable time-outs close clients that never finish TLS, MQTT CONNECT or AMQP SASL. */
class ListenerTimeoutsIT {
    private static MusterServer server;
    private static ConnectionInfo info;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("muster-timeouts-");
        ServerConfig config = ServerConfig.builder(dir).metrics("127.0.0.1", 0).ports(19443, 19883, 19671).crl(0, null).hubHosts(List.of("127.0.10.19"))
                .databasePoolSize(4).workerPoolSize(8).hubClientMode(ServerConfig.HubClientMode.REST)
                .latencyProbeSeconds(0).timeouts(new ServerConfig.ListenerTimeouts(1, 1, 2)).build();
        server = new MusterServer(config);
        info = server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A connection to {@code port} that has finished its TLS handshake. */
    private static SSLSocket tls(int port) throws Exception {
        SSLSocket s = (SSLSocket) TrustContexts.trusting(Path.of(info.caCertificate())).getSocketFactory()
                .createSocket("localhost", port);
        s.startHandshake();
        return s;
    }

    /** Seconds until the server closed the connection, or -1 if it stayed open past the limit. */
    private static double secondsUntilClosed(Socket s, int limitMillis) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout(limitMillis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException reset) {
            // closed with a reset
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void aClientThatNeverStartsTlsIsClosedAfterTheHandshakeTimeout() throws Exception {
        for (int port : new int[] {19443, 19883, 19671}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                double t = secondsUntilClosed(s, 8000);
                assertThat(t).as("port " + port).isBetween(0.5, 6.0);
            }
        }
    }

    @Test
    void anMqttClientThatNeverSendsConnectIsClosed() throws Exception {
        try (SSLSocket s = tls(19883)) {
            double t = secondsUntilClosed(s, 8000);
            assertThat(t).isBetween(0.5, 6.0);
        }
    }

    /**
     * Seconds until the server closed the connection while the client sent it one more byte of {@code bytes} every
     * 200 ms (a slowloris: each byte would push back a read-idle timer), or -1 if it stayed open past the limit.
     */
    private static double secondsUntilClosedWhileDripping(SSLSocket s, byte[] bytes, int limitMillis)
            throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        int sent = 0;
        while (System.nanoTime() - start < limitMillis * 1_000_000L) {
            try {
                if (in.read() < 0) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (SocketTimeoutException quiet) {
                try {
                    s.getOutputStream().write(bytes[sent++ % bytes.length]);
                    s.getOutputStream().flush();
                } catch (IOException closed) {
                    return (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException reset) {
                return (System.nanoTime() - start) / 1e9;
            }
        }
        return -1;
    }

    @Test
    void anMqttClientDrippingItsConnectIsClosedAtTheConnectDeadline() throws Exception {
        try (SSLSocket s = tls(19883)) {
            // A CONNECT that declares 100 bytes, then its protocol name and level, one byte at a time.
            double t = secondsUntilClosedWhileDripping(s, new byte[] {0x10, 100, 0, 4, 'M', 'Q', 'T', 'T', 4}, 8000);
            assertThat(t).isBetween(0.5, 4.0);
        }
    }

    @Test
    void anAmqpClientDrippingItsSaslIsClosedAtTheConnectDeadline() throws Exception {
        try (SSLSocket s = tls(19671)) {
            // The SASL protocol header in one write (proton reads it whole), then a SASL frame that declares 100
            // bytes, one byte at a time.
            s.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
            double t = secondsUntilClosedWhileDripping(s, new byte[] {0, 0, 0, 100, 2, 1, 0, 0}, 8000);
            assertThat(t).isBetween(0.5, 4.0);
        }
    }

    @Test
    void anAmqpClientThatNeverFinishesSaslIsClosed() throws Exception {
        try (SSLSocket s = tls(19671)) {
            s.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});  // SASL header, then nothing
            s.getOutputStream().flush();
            double t = secondsUntilClosed(s, 8000);
            assertThat(t).isBetween(0.5, 6.0);
        }
    }
}
