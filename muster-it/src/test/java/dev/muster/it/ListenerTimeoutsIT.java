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
        ServerConfig config = ServerConfig.builder(dir).ports(19443, 19883, 19671).hubHosts(List.of("127.0.10.19"))
                .databasePoolSize(4).workerPoolSize(8).hubClientMode(ServerConfig.HubClientMode.REST)
                .latencyProbeSeconds(0).timeouts(new ServerConfig.ListenerTimeouts(1, 1, 2)).build();
        server = new MusterServer(config);
        info = server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
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
        try (SSLSocket s = (SSLSocket) TrustContexts.trusting(Path.of(info.caCertificate())).getSocketFactory()
                .createSocket("localhost", 19883)) {
            s.startHandshake();
            double t = secondsUntilClosed(s, 8000);
            assertThat(t).isBetween(0.5, 6.0);
        }
    }

    @Test
    void anAmqpClientThatNeverFinishesSaslIsClosed() throws Exception {
        try (SSLSocket s = (SSLSocket) TrustContexts.trusting(Path.of(info.caCertificate())).getSocketFactory()
                .createSocket("localhost", 19671)) {
            s.startHandshake();
            s.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});  // SASL header, then nothing
            s.getOutputStream().flush();
            double t = secondsUntilClosed(s, 8000);
            assertThat(t).isBetween(0.5, 6.0);
        }
    }
}
