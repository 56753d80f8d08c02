package dev.muster.server.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.muster.core.Json;
import dev.muster.core.allocation.AllocationWebhook;
import dev.muster.core.allocation.AllocationWebhookException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of custom allocation against a local plain-HTTP webhook. */
class HttpAllocationWebhookTest {
    private static final String SECRET = "AzureFunctionKey123==";

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"iotHubHostName\":\"hub.example\"}";
    private volatile long delayMillis;
    private java.util.concurrent.ExecutorService handlers;
    private volatile byte[] rawAnswer;

    @BeforeEach
    void start() throws IOException {
        // Without it the JDK server's Nagle delay meets the client's delayed ACK: ~40 ms per answer on loopback.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/api/allocate", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            queries.add(ex.getRequestURI().getRawQuery());
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = rawAnswer != null ? rawAnswer : answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            } catch (IOException ignored) {
                // the client gave up (time-out or size limit)
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        handlers.shutdownNow(); // wakes a handler still sleeping out a slow answer
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/allocate?code=" + SECRET;
    }

    private static HttpAllocationWebhook webhook(long timeoutMillis) throws Exception {
        return new HttpAllocationWebhook(SSLContext.getDefault(), Duration.ofMillis(timeoutMillis));
    }

    private static ObjectNode request() {
        ObjectNode r = Json.object();
        r.putObject("deviceRuntimeContext").put("registrationId", "dev1");
        r.putArray("linkedHubs").add("hub.example");
        return r;
    }

    private static AllocationWebhookException failure(HttpAllocationWebhook w, String url) {
        try {
            w.post(url, request());
        } catch (AllocationWebhookException e) {
            assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("code=");
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void postsTheRequestJsonWithTheQueryIntactAndReturnsTheAnswer() throws Exception {
        AllocationWebhook.Response r = webhook(5000).post(url(), request());

        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.tree(r.body()).path("iotHubHostName").asText()).isEqualTo("hub.example");
        assertThat(queries).containsExactly("code=" + SECRET);
        assertThat(contentTypes.get(0)).startsWith("application/json");
        assertThat(Json.tree(bodies.get(0))).isEqualTo(request());
    }

    @Test
    void returnsNon2xxAnswersForCoreToJudge() throws Exception {
        status = 500;
        answer = "{\"error\":\"boom\"}";

        AllocationWebhook.Response r = webhook(5000).post(url(), request());

        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("boom");
    }

    @Test
    void aSlowWebhookTimesOutNearTheDeadline() throws Exception {
        // The webhook would answer after 30 s; giving up well before that proves the 300 ms deadline applied, with
        // room for a loaded CI machine (a tight bound here failed at load 10 on 2 cores).
        delayMillis = 30_000;
        long started = System.nanoTime();

        AllocationWebhookException e = failure(webhook(300), url());

        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(e.kind()).isEqualTo(AllocationWebhookException.Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("300 ms");
        assertThat(tookMillis).isLessThan(15_000);
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        AllocationWebhookException e = failure(webhook(2000), "http://127.0.0.1:" + port + "/x?code=" + SECRET);

        assertThat(e.kind()).isEqualTo(AllocationWebhookException.Kind.UNREACHABLE);
        assertThat(e.getMessage()).contains("connection");
    }

    @Test
    void aFailedTlsHandshakeIsUnreachableSayingTls() throws Exception {
        // Something that is not TLS answers the ClientHello: the handshake fails at once.
        try (ServerSocket plain = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // test over
                }
            });
            t.setDaemon(true);
            t.start();

            AllocationWebhookException e = failure(webhook(3000),
                    "https://127.0.0.1:" + plain.getLocalPort() + "/api/allocate?code=" + SECRET);

            assertThat(e.kind()).isEqualTo(AllocationWebhookException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).containsIgnoringCase("TLS");
        }
    }

    @Test
    void anOversizedAnswerIsRefused() throws Exception {
        rawAnswer = new byte[HttpAllocationWebhook.MAX_RESPONSE_BYTES + 10];
        java.util.Arrays.fill(rawAnswer, (byte) ' ');

        AllocationWebhookException e = failure(webhook(5000), url());

        assertThat(e.kind()).isEqualTo(AllocationWebhookException.Kind.TOO_LARGE);
    }

    @Test
    void aNonHttpUrlIsRefusedWithoutEchoingIt() throws Exception {
        assertThat(failure(webhook(1000), "ftp://127.0.0.1/x?code=" + SECRET).getMessage()).contains("http");
    }

    /** Not a test of behaviour: prints what one webhook round trip costs on loopback, for the record. */
    @Test
    void measuresTheLoopbackRoundTrip() throws Exception {
        HttpAllocationWebhook w = webhook(5000);
        for (int i = 0; i < 50; i++) {
            w.post(url(), request());
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long t = System.nanoTime();
            w.post(url(), request());
            micros.add((System.nanoTime() - t) / 1000);
        }
        Collections.sort(micros);
        System.out.printf("webhook round trip on loopback (500 calls, keep-alive): median %d µs, p90 %d µs, p99 %d µs%n",
                micros.get(250), micros.get(450), micros.get(495));
        assertThat(micros.get(250)).isLessThan(100_000);
    }
}
