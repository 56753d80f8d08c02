package dev.muster.cli;

import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.StartupException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "hub", mixinStandardHelpOptions = true,
        description = {"Run a hub alone, or work with a hub (monitor, show, device, consumer-group, route, endpoint).",
                "A hub alone has its own process, port, store and certificates, and prints the connection string",
                "to link it to a provisioning service."},
        subcommands = {HubCommand.Monitor.class, HubShowCommand.class, HubDeviceCommand.class,
                HubConsumerGroupCommand.class, HubRouteCommand.class, HubEndpointCommand.class,
                HubDeadLetterCommand.class},
        footer = {"", "Examples:", "  ./muster hub --data-dir ./hub3 --hub-host 127.0.20.1",
                "  ./muster linked-hub add '<the printed connection string>' --ca ./hub3/tls/ca.pem"})
final class HubCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "hub-data", description = "Data folder of this hub. Default: ${DEFAULT-VALUE}")
    Path dataDir;
    @Option(names = "--hub-host", defaultValue = "127.0.20.1",
            description = "Host name of the hub (a dot, no port); an IP literal is listened on. Default: ${DEFAULT-VALUE}")
    String hubHost;
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on when the host name is not an IP.")
    String bind;
    @Option(names = "--https-port", defaultValue = "443", description = "Registry/twin REST API port. Default: ${DEFAULT-VALUE}")
    int httpsPort;
    @Option(names = "--mqtt-port", defaultValue = "8883", description = "Device MQTT port. Default: ${DEFAULT-VALUE}")
    int mqttPort;
    @Option(names = "--metrics-port", defaultValue = "0", description = "Port of a Prometheus listener (plain HTTP"
            + " GET /metrics on 127.0.0.1; token: MUSTER_METRICS_TOKEN); 0 = none. Default: ${DEFAULT-VALUE}")
    int metricsPort;
    @Option(names = "--tls-legacy-ciphers", description = "Also offer the TLS engine's other TLS 1.2 cipher suites (CBC).")
    boolean tlsLegacyCiphers;

    private ServerConfig settings() {
        return ServerConfig.builder(dataDir)
                .hubOnly(true)
                .bindAddress(bind)
                .ports(httpsPort, mqttPort)
                .hubHosts(HubHosts.resolve(List.of(hubHost), 1))
                .secretKey(Environment.secretKey().orElse(null))
                .metrics(ServerConfig.DEFAULT_METRICS_BIND, metricsPort)
                .metricsToken(Environment.metricsToken().orElse(null))
                .tlsLegacyCiphers(tlsLegacyCiphers)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = settings();
        } catch (IllegalArgumentException e) {
            throw new UsageError("Invalid setting: " + e.getMessage() + ".");
        }
        MusterServer server = new MusterServer(config);
        ConnectionInfo info;
        try {
            info = server.start();
        } catch (StartupException e) {
            System.err.println("muster: " + e.getMessage());
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "muster-shutdown"));
        System.out.println("Hub " + info.hubs().get(0).hostName() + " is ready (REST " + httpsPort + ", MQTT " + mqttPort + ").");
        // No key on stdout, which often ends up in logs: the connection string stays in the owner-only file.
        System.out.println("  Connection string  in " + config.dataDir().resolve("connection-info.json")
                + " (hubs[0].connectionString, readable by its owner only)");
        System.out.println("  Events endpoint    sb://" + info.hubs().get(0).hostName() + "/ (Event Hubs-compatible"
                + " name " + info.hubs().get(0).eventHubsCompatibleName() + "; connection string: ./muster hub show)");
        System.out.println("  CA certificate     " + info.caCertificate());
        System.out.println("Link it: ./muster linked-hub add --from " + config.dataDir());
        System.out.println("Press Ctrl+C to stop.");
        stop.await();
        return 0;
    }

    @Command(name = "monitor", mixinStandardHelpOptions = true,
            description = {"Watch device-to-cloud messages live, like 'az iot hub monitor-events'.",
                    "Prints one JSON line per message: deviceId, enqueuedTime, properties (the device's),",
                    "systemProperties (message-id, content-type, the hub's iothub-* stamps), body."},
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
