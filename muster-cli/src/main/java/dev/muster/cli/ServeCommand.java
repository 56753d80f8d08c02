package dev.muster.cli;

import dev.muster.core.sas.ConnectionString;
import dev.muster.server.ConnectionInfo;
import dev.muster.server.MusterServer;
import dev.muster.server.ServerConfig;
import dev.muster.server.StartupException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, defaultValueProvider = ServeSettingsFile.class,
        description = {"Run the provisioning service with its built-in hub(s) and embedded store.",
                "Writes DATA_DIR/connection-info.json once every listener is up.",
                "Settings can also come from a file named by MUSTER_CONFIG: one 'option-name = value' per line",
                "(e.g. database = postgresql://…); the command line wins over it."},
        footer = {"", "Example:", "  ./muster serve --data-dir ./data"})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", description = "Data folder (database, certificates). Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--bind", defaultValue = ServerConfig.DEFAULT_BIND_ADDRESS,
            description = "Address for the global endpoint and service API. Default: ${DEFAULT-VALUE}")
    String bind;

    @Option(names = "--host-name", defaultValue = ServerConfig.DEFAULT_HOST_NAME,
            description = "Host name devices and operators use (global endpoint and service API). Default: ${DEFAULT-VALUE}")
    String hostName;

    @Option(names = "--hub-host", split = ",", description = "Host names of the built-in hubs (must contain a dot, no port);"
            + " IP literals are also listened on. Default: 127.0.10.1, 127.0.10.2, … (see --hubs)")
    List<String> hubHosts;

    @Option(names = "--hubs", defaultValue = "2",
            description = "Number of built-in hubs when --hub-host is not given (127.0.10.1 … 127.0.10.N); 0 on further nodes"
                    + " of a shared database, which serve the hubs already in it. Default: ${DEFAULT-VALUE}")
    int hubCount;

    @Option(names = "--https-port", defaultValue = "" + ServerConfig.DEFAULT_HTTPS_PORT, description = "HTTPS port (the Azure SDKs expect 443). Default: ${DEFAULT-VALUE}")
    int httpsPort;

    @Option(names = "--mqtt-port", defaultValue = "" + ServerConfig.DEFAULT_MQTT_PORT, description = "MQTT port (the Azure SDKs expect 8883). Default: ${DEFAULT-VALUE}")
    int mqttPort;

    @Option(names = "--amqp-port", defaultValue = "" + ServerConfig.DEFAULT_AMQP_PORT, description = "DPS AMQP port (the Azure SDKs expect 5671). Default: ${DEFAULT-VALUE}")
    int amqpPort;

    @Option(names = "--database", description = "postgresql://USER[:PASS]@HOST:PORT/DB or a JDBC URL; default: embedded H2 in the data folder."
            + " Also from MUSTER_DATABASE.")
    String database;

    @Option(names = "--database-pool-size",
            description = "Database connections this node keeps open (also MUSTER_DATABASE_POOL_SIZE). Default: "
                    + ServerConfig.DEFAULT_DATABASE_POOL_SIZE)
    Integer databasePoolSize;

    @Option(names = "--quick-answer-ms", defaultValue = "" + ServerConfig.DEFAULT_QUICK_ANSWER_MILLIS,
            description = "Answer register calls with the final result if ready within this time, else 202 + polling. Default: ${DEFAULT-VALUE}")
    long quickAnswerMillis;

    @Option(names = "--hub-client", defaultValue = "direct",
            description = "How the service reaches its own built-in hubs: direct (in memory) or rest (their REST API). Default: ${DEFAULT-VALUE}")
    String hubClient;

    @Option(names = "--webhook-timeout-ms", defaultValue = "" + ServerConfig.DEFAULT_WEBHOOK_TIMEOUT_MILLIS,
            description = "Deadline for one custom-allocation webhook call; a registration fails when it passes. Default: ${DEFAULT-VALUE}")
    long webhookTimeoutMillis;

    @Option(names = "--latency-probe-seconds", defaultValue = "" + ServerConfig.DEFAULT_LATENCY_PROBE_SECONDS,
            description = "How often to measure the latency to every linked hub (geoLatency allocation); 0 = never. Default: ${DEFAULT-VALUE}")
    int latencyProbeSeconds;

    @Option(names = "--pkcs11-library", defaultValue = dev.muster.core.issuance.Pkcs11Tokens.DEFAULT_LIBRARY,
            description = "The PKCS#11 module holding the keys of issuing CAs kept in a token (muster issuing-ca"
                    + " create-pkcs11). Default: ${DEFAULT-VALUE} (Debian's softhsm2)")
    String pkcs11Library;

    @Option(names = "--orphan-grace-seconds", defaultValue = "" + ServerConfig.DEFAULT_ORPHAN_GRACE_SECONDS,
            description = "How long a registration may take before the sweep removes a hub device whose record was never"
                    + " saved (its node stopped mid-way). Default: ${DEFAULT-VALUE}")
    int orphanGraceSeconds;

    @Option(names = "--node-address",
            description = "Where the other nodes sharing the database reach this node's HTTPS port, to hand it direct"
                    + " methods for devices connected here. Default: the --bind address (127.0.0.1 for a wildcard)")
    String nodeAddress;

    @Option(names = "--event-partitions", defaultValue = "4",
            description = "Partitions of a new built-in hub's event stream (its Event Hubs-compatible endpoint); fixed"
                    + " once the stream exists. Default: ${DEFAULT-VALUE}")
    int eventPartitions;

    @Option(names = "--event-retention-hours", defaultValue = "24",
            description = "How long the built-in hubs keep events for their Event Hubs-compatible endpoint, 1 to 2160."
                    + " Default: ${DEFAULT-VALUE}")
    int eventRetentionHours;

    @Option(names = "--handshake-timeout", defaultValue = "10",
            description = "Seconds a client may take to finish the TLS handshake. Default: ${DEFAULT-VALUE}")
    int handshakeTimeout;

    @Option(names = "--connect-timeout", defaultValue = "30",
            description = "Seconds a client may take to send MQTT CONNECT or finish AMQP SASL. Default: ${DEFAULT-VALUE}")
    int connectTimeout;

    @Option(names = "--idle-timeout", defaultValue = "240",
            description = "Seconds a WebSocket or AMQP connection may stay silent (MQTT uses its keep-alive; HTTPS between"
                    + " requests, --keep-alive-timeout). Default: ${DEFAULT-VALUE}")
    int idleTimeout;

    @Option(names = "--header-timeout", defaultValue = "" + ServerConfig.DEFAULT_HEADER_TIMEOUT_SECONDS,
            description = "Seconds from the TLS handshake to a complete first HTTPS request head; bytes arriving do not"
                    + " extend it. Default: ${DEFAULT-VALUE}")
    int headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "" + ServerConfig.DEFAULT_BODY_TIMEOUT_SECONDS,
            description = "Seconds from an HTTPS request head to the end of its body; later, 408 and the connection is"
                    + " closed. Default: ${DEFAULT-VALUE}")
    int bodyTimeout;

    @Option(names = "--keep-alive-timeout", defaultValue = "" + ServerConfig.DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS,
            description = "Seconds from an HTTPS response to the next complete request head on the same connection."
                    + " Default: ${DEFAULT-VALUE}")
    int keepAliveTimeout;

    @Option(names = "--max-connections", defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Connections the HTTPS, MQTT and AMQP listeners hold at once; more are closed before TLS (lowered"
                    + " to what the open-file limit allows). Default: ${DEFAULT-VALUE}")
    int maxConnections;

    @Option(names = "--max-connections-per-address", defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description = "Connections one source address may hold at once (devices behind one NAT share it)."
                    + " Default: ${DEFAULT-VALUE}")
    int maxConnectionsPerAddress;


    @Option(names = "--metrics-bind", defaultValue = ServerConfig.DEFAULT_METRICS_BIND,
            description = "Address of the operators' Prometheus listener (plain HTTP, GET /metrics). It shows every"
                    + " instance's figures: keep it on loopback or an operators' network. Default: ${DEFAULT-VALUE}")
    String metricsBind;

    @Option(names = "--metrics-port", defaultValue = "" + ServerConfig.DEFAULT_METRICS_PORT,
            description = "Port of the metrics listener; 0 = no metrics. Default: ${DEFAULT-VALUE}")
    int metricsPort;

    @Option(names = "--metrics-token", description = "Bearer token GET /metrics must present (also MUSTER_METRICS_TOKEN;"
            + " at least " + ServerConfig.MIN_METRICS_TOKEN_LENGTH + " characters). Default: none")
    String metricsToken;

    @Option(names = "--tls-legacy-ciphers", description = "Also offer the TLS engine's other TLS 1.2 cipher suites"
            + " (CBC), for old clients. Default: ECDHE with AES-GCM or ChaCha20-Poly1305 only")
    boolean tlsLegacyCiphers;

    @Option(names = "--crl-port", defaultValue = "" + ServerConfig.DEFAULT_CRL_PORT,
            description = "Port of the CRL listener (plain HTTP on the --bind address, GET /crl/INSTANCE/CA.crl); 0 ="
                    + " none. Default: ${DEFAULT-VALUE}")
    int crlPort;

    @Option(names = "--crl-base-url", description = "The URL before /crl/… in issued certificates' CRL distribution"
            + " point, when relying parties reach the CRLs elsewhere (a proxy, a mirror). Default: http://--host-name"
            + " with --crl-port (none for 80)")
    String crlBaseUrl;

    /** Settings built from options, or a usage error saying which options and their range when one is out of it. */
    private static <T> T checked(Supplier<T> settings, String refusal) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new UsageError(refusal);
        }
    }

    private int poolSize() {
        Optional<String> env = Environment.databasePoolSize();
        if (databasePoolSize == null && env.isEmpty()) {
            return ServerConfig.DEFAULT_DATABASE_POOL_SIZE;
        }
        try {
            int size = databasePoolSize != null ? databasePoolSize : Integer.parseInt(env.get());
            if (size >= 1 && size <= 1000) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageError("--database-pool-size (or MUSTER_DATABASE_POOL_SIZE) must be a number from 1 to 1000.");
    }

    /** The node's settings from the options; a value out of range is a usage error naming it. */
    private ServerConfig settings(String db) {
        try {
            return ServerConfig.builder(dataDir)
                    .bindAddress(bind)
                    .hostName(hostName)
                    .ports(httpsPort, mqttPort, amqpPort)
                    .hubHosts(HubHosts.resolve(hubHosts, hubCount))
                    .database(db, null, null)
                    .databasePoolSize(poolSize())
                    .secretKey(Environment.secretKey().orElse(null))
                    .quickAnswerMillis(quickAnswerMillis)
                    .hubClientMode(ServerConfig.HubClientMode.parse(hubClient))
                    .webhookTimeoutMillis(webhookTimeoutMillis)
                    .latencyProbeSeconds(latencyProbeSeconds)
                    .pkcs11Library(pkcs11Library)
                    .orphanGraceSeconds(orphanGraceSeconds)
                    .nodeAddress(nodeAddress)
                    .timeouts(checked(() -> new ServerConfig.ListenerTimeouts(handshakeTimeout, connectTimeout,
                            idleTimeout), "--handshake-timeout, --connect-timeout and --idle-timeout must be at least"
                            + " 1 second."))
                    .httpDeadlines(checked(() -> new ServerConfig.HttpDeadlines(headerTimeout, bodyTimeout,
                            keepAliveTimeout), "--header-timeout, --body-timeout and --keep-alive-timeout must be 1 to"
                            + " 3600 seconds."))
                    .connectionLimits(checked(() -> new ServerConfig.ConnectionLimits(maxConnectionsPerAddress,
                            maxConnections), "--max-connections must be 1 to 10000000 and"
                            + " --max-connections-per-address 1 to --max-connections."))
                    .events(checked(() -> new ServerConfig.EventOptions(eventPartitions,
                            java.time.Duration.ofHours(eventRetentionHours)), "--event-partitions must be 1 to 32 and"
                            + " --event-retention-hours 1 to 2160."))
                    .metrics(metricsBind, metricsPort)
                    .metricsToken(metricsToken != null ? metricsToken : Environment.metricsToken().orElse(null))
                    .tlsLegacyCiphers(tlsLegacyCiphers)
                    .crl(crlPort, crlBaseUrl)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageError("Invalid setting: " + e.getMessage() + ".");
        }
    }

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Stop as soon as every listener is up (the launcher's class-data training run).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        String db = database != null ? database : Environment.database().orElse(null);
        if (!hubClient.equals("direct") && !hubClient.equals("rest")) {
            throw new UsageError("--hub-client must be 'direct' or 'rest'.");
        }
        if (webhookTimeoutMillis < 1 || webhookTimeoutMillis > 600_000) {
            throw new UsageError("--webhook-timeout-ms must be between 1 and 600000.");
        }
        if (latencyProbeSeconds < 0) {
            throw new UsageError("--latency-probe-seconds must be 0 (off) or more.");
        }
        ServerConfig config = settings(db);
        MusterServer server = new MusterServer(config);
        ConnectionInfo info;
        try {
            info = server.start();
        } catch (StartupException e) {
            System.err.println("muster: " + e.getMessage());
            return 1;
        }
        if (exitWhenReady) {
            server.close();
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }, "muster-shutdown"));
        long ms = (System.nanoTime() - started) / 1_000_000;
        banner(info, ms, dataDir).forEach(System.out::println);
        System.out.println("Press Ctrl+C to stop.");
        stop.await();
        return 0;
    }

    /**
     * What {@code serve} prints once it is ready. Host names only: stdout often ends up in logs, and the connection
     * strings carry owner keys (they are in connection-info.json, readable by this user only, and
     * {@code muster connection-string show} prints them).
     */
    static List<String> banner(ConnectionInfo info, long readyMillis, Path dataDir) {
        List<String> lines = new ArrayList<>();
        lines.add("Muster is ready (" + readyMillis + " ms).");
        lines.add("  ID scope           " + info.idScope());
        lines.add("  Global endpoint    " + info.globalEndpoint() + "   (HTTPS " + info.ports().https() + ", hub MQTT "
                + info.ports().mqtt() + ", AMQP " + info.ports().amqp() + ")");
        String port = info.ports().https() == 443 ? "" : ":" + info.ports().https();
        lines.add("  Service API        https://" + ConnectionString.parse(info.serviceConnectionString()).hostName()
                + port + "   (owner connection string: ./muster connection-string show)");
        for (ConnectionInfo.Hub h : info.hubs()) {
            lines.add("  Built-in hub       " + h.hostName() + "   (its iothubowner connection string: hubs[] in"
                    + " connection-info.json)");
            lines.add("    events endpoint  sb://" + h.hostName() + "/  Event Hubs-compatible name "
                    + h.eventHubsCompatibleName() + "   (./muster hub show --hub " + h.hostName() + ")");
        }
        if (info.metrics() != null) {
            lines.add("  Metrics            " + info.metrics() + "   (operators only: every instance's figures)");
        }
        lines.add("  CA certificate     " + info.caCertificate());
        lines.add("  Connection info    " + dataDir.resolve("connection-info.json").toAbsolutePath());
        return lines;
    }
}
