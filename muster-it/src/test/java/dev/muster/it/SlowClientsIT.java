package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slowloris and idle clients (issue 19): one address holding its maximum of slow connections of every kind is
 * closed at each deadline, is refused past its limit before TLS, and does not stop a device on another address from
 * registering meanwhile. Its own Muster with small limits and deadlines of seconds, so the whole class takes ~15 s.
 */
class SlowClientsIT {
    private static final int HTTPS = 19543;
    private static final int MQTT = 19983;
    private static final int PER_ADDRESS = 50;
    private static final int TOTAL = 200;
    private static final ServerConfig.HttpDeadlines DEADLINES = new ServerConfig.HttpDeadlines(4, 5, 4);
    /** How late a close may come after its deadline on a busy 2-core machine. */
    private static final double SLACK_SECONDS = 3.0;
    private static final InetAddress ATTACKER = address("127.0.0.1");
    private static final InetAddress DEVICE = address("127.0.0.2");

    private static MusterServer server;
    private static ConnectionInfo info;
    private static SSLContext trust;

    /** What each slow connection does once its TLS handshake is done, and which deadline should close it. */
    private enum Kind {
        SILENT_AFTER_TLS(DEADLINES.headerSeconds()),
        PARTIAL_HEADERS(DEADLINES.headerSeconds()),
        DRIPPING_HEADERS(DEADLINES.headerSeconds()),
        BODY_NEVER_SENT(DEADLINES.bodySeconds()),
        IDLE_AFTER_A_RESPONSE(DEADLINES.keepAliveSeconds());

        final int deadline;

        Kind(int deadline) {
            this.deadline = deadline;
        }
    }

    /** When a slow connection's deadline started (client side) and when the server closed it, in nanoTime. */
    private record Closed(Kind kind, long started, long closedAt, String answer) {
        double seconds() {
            return (closedAt - started) / 1e9;
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("muster-slow-clients-");
        server = new MusterServer(ServerConfig.builder(dir).metrics("127.0.0.1", 19774).ports(HTTPS, MQTT, 19771).crl(0, null)
                .hubHosts(List.of("127.0.10.29")).databasePoolSize(4).workerPoolSize(8).latencyProbeSeconds(0)
                .quickAnswerMillis(10_000).timeouts(new ServerConfig.ListenerTimeouts(4, 4, 240))
                .httpDeadlines(DEADLINES).connectionLimits(new ServerConfig.ConnectionLimits(PER_ADDRESS, TOTAL))
                .build());
        info = server.start();
        trust = TrustContexts.trusting(Path.of(info.caCertificate()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anAddressHoldingItsMaximumOfSlowConnectionsIsClosedAtEachDeadlineAndDoesNotStopAFairDevice()
            throws Exception {
        String key = enroll("fair-warm-up");
        assertThat(register(DEVICE, "fair-warm-up", key)).as("before the attack").isEqualTo(200);
        String fairKey = enroll("fair-device");

        ExecutorService attacker = Executors.newFixedThreadPool(PER_ADDRESS);
        CountDownLatch holding = new CountDownLatch(PER_ADDRESS);
        List<Future<Closed>> slow = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                Kind kind = Kind.values()[i % Kind.values().length];
                slow.add(attacker.submit(() -> slowConnection(kind, holding)));
            }
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("every slow connection through TLS").isTrue();

            long refusedIn = refusedWithinMillis(ATTACKER, HTTPS);
            long refusedMqttIn = refusedWithinMillis(ATTACKER, MQTT);
            long fairStart = System.nanoTime();
            int fairStatus = register(DEVICE, "fair-device", fairKey);
            long fairDone = System.nanoTime();

            List<Closed> closed = new ArrayList<>();
            for (Future<Closed> f : slow) {
                closed.add(f.get(30, TimeUnit.SECONDS));
            }
            long held = closed.stream().filter(c -> c.closedAt() > fairDone).count();
            report(held, (fairDone - fairStart) / 1_000_000, refusedIn, closed);

            assertThat(refusedIn).as("the 51st HTTPS connection from the attacker, closed before TLS").isLessThan(1000);
            assertThat(refusedMqttIn).as("the limit is per address across listeners (MQTT)").isLessThan(1000);
            assertThat(fairStatus).as("a device on another address registers during the attack").isEqualTo(200);
            assertThat(held).as("connections still held when the fair device had its answer").isEqualTo(PER_ADDRESS);
            for (Closed c : closed) {
                assertThat(c.seconds()).as(c.kind() + " closed after its " + c.kind().deadline + " s deadline")
                        .isBetween(c.kind().deadline - 0.3, c.kind().deadline + SLACK_SECONDS);
                if (c.kind() == Kind.BODY_NEVER_SENT) {
                    assertThat(c.answer()).as("a request whose body is late is answered").startsWith("HTTP/1.1 408");
                } else if (c.kind() != Kind.IDLE_AFTER_A_RESPONSE) {
                    assertThat(c.answer()).as(c.kind() + ": no request, no answer").isEmpty();
                }
            }
            assertThat(metrics()).contains("muster_connections_refused_total{reason=\"per_address\"} 2.0");
        } finally {
            attacker.shutdownNow();
        }
    }

    @Test
    void aFullNodeRefusesEveryNewAddressUntilConnectionsClose() throws Exception {
        List<Socket> full = new ArrayList<>();
        try {
            for (int a = 0; a < TOTAL / PER_ADDRESS; a++) {
                for (int i = 0; i < PER_ADDRESS; i++) {
                    full.add(tcp(address("127.0.0." + (11 + a)), HTTPS)); // never starts TLS
                }
            }
            assertThat(heldOpen(full.get(full.size() - 1))).as("the 200th is held").isTrue();

            assertThat(refusedWithinMillis(address("127.0.0.15"), HTTPS)).as("a new address past the total")
                    .isLessThan(1000);
        } finally {
            for (Socket s : full) {
                s.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        boolean admitted = false;
        while (!admitted && System.nanoTime() < deadline) {
            try (Socket s = tcp(address("127.0.0.15"), HTTPS)) {
                admitted = heldOpen(s);
            }
        }
        assertThat(admitted).as("admitted again once the others closed").isTrue();
    }

    @Test
    void aKeptAliveConnectionInSteadyUseOutlivesEveryDeadline() throws Exception {
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), HTTPS,
                DEVICE, 0)) {
            s.startHandshake();
            s.setSoTimeout(10_000);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINES.headerSeconds() + 2);
            int answered = 0;
            while (System.nanoTime() < until) {
                s.getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                s.getOutputStream().flush();
                readResponseHead(s.getInputStream());
                answered++;
                Thread.sleep(500);
            }
            assertThat(answered).as("requests answered on one connection past the header deadline")
                    .isGreaterThan(2 * DEADLINES.headerSeconds());
        }
    }

    /** One slow connection from the attacker: TLS, then {@code kind}'s behaviour until the server closes it. */
    private static Closed slowConnection(Kind kind, CountDownLatch holding) throws Exception {
        try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), HTTPS,
                ATTACKER, 0)) {
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long started = System.nanoTime();
            switch (kind) {
                case PARTIAL_HEADERS -> out.write(ascii("PUT /x/registrations/y/register HTTP/1.1\r\nHost: localhost\r\n"));
                case BODY_NEVER_SENT -> out.write(ascii("PUT /x/registrations/y/register HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"registr"));
                case IDLE_AFTER_A_RESPONSE -> {
                    out.write(ascii("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                    out.flush();
                    s.setSoTimeout(10_000);
                    readResponseHead(in);
                    started = System.nanoTime();
                }
                default -> { }
            }
            out.flush();
            holding.countDown();
            StringBuilder answer = new StringBuilder();
            byte[] drip = ascii("GET /health HTTP/1.1\r\nX-Drip: " + "a".repeat(1000));
            int dripped = 0;
            s.setSoTimeout(kind == Kind.DRIPPING_HEADERS ? 200 : 15_000);
            while (true) {
                try {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    answer.append((char) b);
                } catch (SocketTimeoutException quiet) {
                    if (kind != Kind.DRIPPING_HEADERS) {
                        break; // never closed: the assertion on the time reports it
                    }
                    try {
                        out.write(drip[dripped++]);
                        out.flush();
                    } catch (IOException closedMeanwhile) {
                        break;
                    }
                } catch (IOException reset) {
                    break;
                }
            }
            return new Closed(kind, started, System.nanoTime(), answer.toString());
        }
    }

    private static void readResponseHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the response");
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        byte[] body = new byte[15]; // {"status":"up"}
        int read = 0;
        while (read < body.length) {
            read += in.read(body, read, body.length - read);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Socket tcp(InetAddress from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** True if the server keeps the connection open for a second and a half without a byte either way. */
    private static boolean heldOpen(Socket s) throws IOException {
        s.setSoTimeout(1500);
        try {
            return s.getInputStream().read() >= 0;
        } catch (SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException reset) {
            return false;
        }
    }

    /** Milliseconds until the server closed a new connection from {@code from}; 99,999 if it kept it open. */
    private static long refusedWithinMillis(InetAddress from, int port) throws IOException {
        long start = System.nanoTime();
        try (Socket s = tcp(from, port)) {
            return heldOpen(s) ? 99_999 : (System.nanoTime() - start) / 1_000_000;
        }
    }

    private static String serviceToken() {
        ConnectionString cs = ConnectionString.parse(info.serviceConnectionString());
        return SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
    }

    private static String enroll(String id) throws Exception {
        RawHttps.Answer a = RawHttps.exchange(trust, DEVICE, HTTPS, info.globalEndpoint(), "PUT",
                "/enrollments/" + id + "?api-version=2021-10-01", serviceToken(),
                "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return Json.tree(a.body()).path("attestation").path("symmetricKey").path("primaryKey").asText();
    }

    private static int register(InetAddress from, String id, String key) throws Exception {
        RawHttps.Answer a = RawHttps.exchange(trust, from, HTTPS, info.globalEndpoint(), "PUT",
                "/" + info.idScope() + "/registrations/" + id + "/register?api-version=2019-03-31",
                RawDevice.javaStyleToken(info.idScope(), id, key, RawDevice.inAnHour()),
                "{\"registrationId\":\"" + id + "\"}");
        return a.status();
    }

    /** From the operators' listener, plain HTTP on loopback (the test JVM's own server holds the default port). */
    private static String metrics() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(info.metrics())).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The figures the closing note asks for, in the test log. */
    private static void report(long held, long fairMillis, long refusedMillis, List<Closed> closed) {
        Map<Kind, double[]> range = new EnumMap<>(Kind.class);
        for (Closed c : closed) {
            range.merge(c.kind(), new double[] {c.seconds(), c.seconds()},
                    (a, b) -> new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        System.out.printf(Locale.ROOT, "slow clients: %d connections held from %s while a device from %s registered"
                + " in %d ms; the next connection refused in %d ms%n", held, ATTACKER.getHostAddress(),
                DEVICE.getHostAddress(), fairMillis, refusedMillis);
        range.forEach((kind, r) -> System.out.printf(Locale.ROOT, "slow clients: %s closed after %.2f-%.2f s"
                + " (deadline %d s)%n", kind, r[0], r[1], kind.deadline));
    }
}
