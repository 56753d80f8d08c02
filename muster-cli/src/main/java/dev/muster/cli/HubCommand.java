package dev.muster.cli;

import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "hub", mixinStandardHelpOptions = true, description = "Work with a hub.",
        subcommands = {HubCommand.Monitor.class})
final class HubCommand {

    @Command(name = "monitor", mixinStandardHelpOptions = true,
            description = {"Watch device-to-cloud messages live, like 'az iot hub monitor-events'.",
                    "Prints one JSON line per message: deviceId, enqueuedTime, properties, body."},
            footer = {"", "Examples:", "  ./muster hub monitor", "  ./muster hub monitor --hub 127.0.10.1 --count 5"})
    static final class Monitor implements Callable<Integer> {
        @Mixin Target target;
        @Option(names = "--hub", description = "Hub host name (default: the first built-in hub in connection-info.json).")
        String hub;
        @Option(names = "--hub-connection-string", description = "Connection string of the hub's iothubowner policy.")
        String hubConnectionString;
        @Option(names = "--count", description = "Stop after this many messages.") Integer count;
        @Option(names = "--timeout", description = "Stop after this many seconds.") Integer timeout;

        @Override
        public Integer call() throws Exception {
            ConnectionString cs = ConnectionString.parse(hubConnectionString != null ? hubConnectionString : fromInfo());
            String token = SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 86400);
            HttpClient http = HttpClient.newBuilder().sslContext(target.ssl()).connectTimeout(Duration.ofSeconds(10)).build();
            int port = target.httpsPort();
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://" + cs.hostName()
                    + (port == 443 ? "" : ":" + port) + "/messages/events?api-version=2021-04-12"))
                    .header("Authorization", token).header("Accept", "text/event-stream").GET();
            if (timeout != null) {
                req.timeout(Duration.ofSeconds(timeout));
            }
            HttpResponse<Stream<String>> r;
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
            } catch (ConnectException e) {
                throw new ApiClient.ApiError(3, "Cannot connect to hub " + cs.hostName() + ": is Muster running?");
            } catch (java.net.http.HttpTimeoutException e) {
                return 0;
            }
            if (r.statusCode() != 200) {
                throw new ApiClient.ApiError(1, "Hub " + cs.hostName() + " answered HTTP " + r.statusCode());
            }
            System.err.println("Monitoring " + cs.hostName() + " (Ctrl+C to stop)…");
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            int seen = 0;
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext() && System.nanoTime() < deadline) {
                    String line = it.next();
                    if (line.startsWith("data: ")) {
                        System.out.println(line.substring(6));
                        System.out.flush();
                        if (count != null && ++seen >= count) {
                            break;
                        }
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.net.http.HttpTimeoutException)) {
                    throw e;
                }
            }
            return 0;
        }

        private String fromInfo() {
            var hubs = target.connectionInfo().path("hubs");
            for (var h : hubs) {
                if (hub == null || h.path("hostName").asText().equalsIgnoreCase(hub)) {
                    return h.path("connectionString").asText();
                }
            }
            throw new UsageError("No built-in hub " + hub + " in connection-info.json; pass --hub-connection-string.");
        }
    }
}
