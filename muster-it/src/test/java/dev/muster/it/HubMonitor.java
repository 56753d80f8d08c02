package dev.muster.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The hub's live telemetry stream ({@code GET /messages/events}, server-sent events) as {@code muster hub monitor}
 * reads it: every device-to-cloud message the hub took, with its properties, seen from the service side.
 */
final class HubMonitor implements AutoCloseable {
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> stream;

    HubMonitor(String hubConnectionString) throws Exception {
        ConnectionString cs = ConnectionString.parse(hubConnectionString);
        String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
        HttpClient http = HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build();
        stream = http.send(HttpRequest.newBuilder(URI.create("https://" + cs.hostName() + "/messages/events"))
                .header("Authorization", token).build(), HttpResponse.BodyHandlers.ofLines());
        if (stream.statusCode() != 200) {
            throw new AssertionError("the monitor stream answered " + stream.statusCode());
        }
        Thread reader = new Thread(() -> {
            Iterator<String> lines = stream.body().iterator();
            try {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data: ")) {
                        events.add(Json.tree(line.substring(6)));
                    }
                }
            } catch (RuntimeException closed) {
                // the stream ends when the test closes it
            }
        }, "hub-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    /** The next event of this device that matches, or null after {@code seconds}. */
    JsonNode next(String deviceId, Predicate<JsonNode> matching, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            JsonNode e = events.poll(200, TimeUnit.MILLISECONDS);
            if (e != null && e.path("deviceId").asText().equals(deviceId) && matching.test(e)) {
                return e;
            }
        }
        return null;
    }

    @Override
    public void close() {
        stream.body().close();
    }
}
