package dev.muster.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything a Muster node can be told, each with a named default. The defaults give a working single-machine setup
 * with no DNS: the global endpoint and service API on {@code localhost}, each built-in hub on its own loopback address
 * (hub names must contain a dot and carry no port, so loopback IP literals are the names that resolve anywhere).
 * Built with {@link #builder(Path)}; {@link #toBuilder()} changes a few settings of an existing one. Nothing here reads
 * the environment: the command line does that in one place and passes what it found.
 */
public final class ServerConfig {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final String DEFAULT_HOST_NAME = "localhost";
    public static final String DEFAULT_HUB = "127.0.10.1";
    /** The Azure SDKs expect DPS and hub HTTPS on 443, MQTT on 8883 and AMQP on 5671: other ports need SDK changes. */
    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final int DEFAULT_MQTT_PORT = 8883;
    public static final int DEFAULT_AMQP_PORT = 5671;
    public static final int DEFAULT_DATABASE_POOL_SIZE = 16;
    public static final long DEFAULT_QUICK_ANSWER_MILLIS = 2000;
    public static final int DEFAULT_WORKER_POOL_SIZE = 32;
    public static final HubClientMode DEFAULT_HUB_CLIENT_MODE = HubClientMode.DIRECT;
    public static final long DEFAULT_WEBHOOK_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_LATENCY_PROBE_SECONDS = 30;
    /** Far longer than a registration takes from claiming its device to saving its record (seconds at worst). */
    public static final int DEFAULT_ORPHAN_GRACE_SECONDS = 120;
    /** HTTPS request deadlines and connection limits: why these numbers, see {@link HttpDeadlines}, {@link ConnectionLimits}. */
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_BODY_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS = 20;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 4_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    /** The operator's Prometheus listener: plain HTTP, on loopback unless told otherwise (9464: Prometheus's exporter port). */
    public static final String DEFAULT_METRICS_BIND = "127.0.0.1";
    public static final int DEFAULT_METRICS_PORT = 9464;
    /**
     * The CRL listener: plain HTTP (RFC 5280 §4.2.1.13: relying parties fetch CRLs over HTTP; HTTPS would need a
     * revocation check of its own), on 80 beside HTTPS on 443, so the URL in the certificates needs no port.
     */
    public static final int DEFAULT_CRL_PORT = 80;
    /** The shortest bearer token the metrics listener accepts as its setting. */
    public static final int MIN_METRICS_TOKEN_LENGTH = 16;

    /** How the provisioning service reaches the built-in hubs of its own process. */
    public enum HubClientMode {
        /** In memory, without a network hop. */
        DIRECT,
        /** Through the hubs' REST API, as it reaches a linked external hub (tests the REST adapter end to end). */
        REST;

        /** {@code direct} or {@code rest}, as the command line spells them. */
        public static HubClientMode parse(String name) {
            for (HubClientMode m : values()) {
                if (m.name().equalsIgnoreCase(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("the hub client must be 'direct' or 'rest', not '" + name + "'");
        }
    }

    /**
     * How long a connection may take to finish its TLS handshake, to send MQTT CONNECT or finish AMQP SASL, and how
     * long it may then sit idle, before it is closed: bounds what half-open clients can hold.
     */
    public record ListenerTimeouts(int handshakeSeconds, int connectSeconds, int idleSeconds) {
        public static final ListenerTimeouts DEFAULTS = new ListenerTimeouts(10, 30, 240);

        public ListenerTimeouts {
            if (handshakeSeconds < 1 || connectSeconds < 1 || idleSeconds < 1) {
                throw new IllegalArgumentException("time-outs must be at least one second");
            }
        }
    }

    /**
     * How long an HTTPS client may take over each part of a request, each an absolute deadline that dripping bytes do
     * not extend: from the end of the TLS handshake to the first request's complete headers ({@code headerSeconds}),
     * from the headers to the end of the declared body ({@code bodySeconds}; 96 KB, the body cap, in 30 s is 3 KB/s,
     * which the slowest cellular links manage), and from the end of one response to the next request's complete
     * headers on a kept-alive connection ({@code keepAliveSeconds}). 20 s of keep-alive is four times the 5 s after
     * which the JDK's HttpsURLConnection (the Java SDKs) and Node's agent (the Node SDKs) drop an idle connection
     * themselves, so those clients always close first and never race the server's close; a device polling its
     * operation every few seconds keeps its connection. A WebSocket leaves these deadlines once upgraded (its
     * protocol's keep-alive and {@link ListenerTimeouts#idleSeconds} govern it).
     */
    public record HttpDeadlines(int headerSeconds, int bodySeconds, int keepAliveSeconds) {
        public static final HttpDeadlines DEFAULTS = new HttpDeadlines(DEFAULT_HEADER_TIMEOUT_SECONDS,
                DEFAULT_BODY_TIMEOUT_SECONDS, DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS);

        public HttpDeadlines {
            Builder.require(headerSeconds >= 1 && headerSeconds <= 3600, "the header time-out must be 1 to 3600 s");
            Builder.require(bodySeconds >= 1 && bodySeconds <= 3600, "the body time-out must be 1 to 3600 s");
            Builder.require(keepAliveSeconds >= 1 && keepAliveSeconds <= 3600,
                    "the keep-alive time-out must be 1 to 3600 s");
        }
    }

    /**
     * How many connections the TLS listeners (HTTPS, MQTT, AMQP) hold at once, from one source address and in all;
     * one more is closed as soon as it is accepted, before its TLS handshake. 4,000 from one address lets a factory or
     * a carrier NAT keep thousands of MQTT devices connected behind one address, yet one attacker holds a fifth of the
     * 20,000 descriptors of a common file limit; 50,000 in all is a node's working range. The total is further capped
     * at start to what the process's open-file limit leaves room for (see {@code ConnectionCeiling}).
     */
    public record ConnectionLimits(int perAddress, int total) {
        public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
                DEFAULT_MAX_CONNECTIONS);

        public ConnectionLimits {
            Builder.require(total >= 1 && total <= 10_000_000, "the connection limit must be 1 to 10000000");
            Builder.require(perAddress >= 1 && perAddress <= total,
                    "the per-address connection limit must be 1 to the connection limit (" + total + ")");
        }
    }

    /**
     * The built-in hubs' event streams (their Event Hubs-compatible endpoint): partitions of a new hub's stream (fixed
     * once made, as an Event Hub's) and how long events are kept (Azure's default for IoT Hub: one day).
     */
    public record EventOptions(int partitions, java.time.Duration retention) {
        public static final EventOptions DEFAULTS = new EventOptions(4, java.time.Duration.ofDays(1));

        public EventOptions {
            Builder.require(partitions >= 1 && partitions <= 32, "the event partitions must be 1 to 32");
            Builder.require(retention != null && !retention.isNegative() && !retention.isZero()
                    && retention.compareTo(java.time.Duration.ofDays(90)) <= 0,
                    "the event retention must be more than 0 and at most 90 days");
        }
    }

    private final Builder settings;

    private ServerConfig(Builder b) {
        this.settings = b.copy();
    }

    /** Every setting at its default, data kept in {@code dataDir}. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public static ServerConfig defaults(Path dataDir) {
        return builder(dataDir).build();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return settings.copy();
    }

    /** Database, certificates, the secret key and connection-info.json. */
    public Path dataDir() {
        return settings.dataDir;
    }

    /** Address the global endpoint and service API listen on. */
    public String bindAddress() {
        return settings.bindAddress;
    }

    public int httpsPort() {
        return settings.httpsPort;
    }

    public int mqttPort() {
        return settings.mqttPort;
    }

    /** DPS over AMQP 1.0/TLS. */
    public int amqpPort() {
        return settings.amqpPort;
    }

    /** Host name devices use for the global endpoint. */
    public String globalEndpointHost() {
        return settings.globalEndpointHost;
    }

    /** Host name of the default instance's service API. */
    public String serviceHostName() {
        return settings.serviceHostName;
    }

    /** Host names of the built-in hubs; an IP literal is also bound as a listen address. */
    public List<String> hubHosts() {
        return settings.hubHosts;
    }

    /** Null for the embedded H2 database in the data folder. */
    public String databaseUrl() {
        return settings.databaseUrl;
    }

    public String databaseUser() {
        return settings.databaseUser;
    }

    public String databasePassword() {
        return settings.databasePassword;
    }

    public int databasePoolSize() {
        return settings.databasePoolSize;
    }

    /** Base64 of the 32-byte key that seals stored secrets; null to use (or make) {@code dataDir/secret.key}. */
    public String secretKey() {
        return settings.secretKey;
    }

    /** How long a register call may take before the device is told 202 and polls instead. */
    public long quickAnswerMillis() {
        return settings.quickAnswerMillis;
    }

    public int workerPoolSize() {
        return settings.workerPoolSize;
    }

    public HubClientMode hubClientMode() {
        return settings.hubClientMode;
    }

    /** Deadline for one custom-allocation webhook call (connect, send, answer). */
    public long webhookTimeoutMillis() {
        return settings.webhookTimeoutMillis;
    }

    /**
     * How long after a registration claimed its hub device the orphan sweep may judge it: a device whose record was
     * never saved by then (its node stopped mid-way) is removed.
     */
    public int orphanGraceSeconds() {
        return settings.orphanGraceSeconds;
    }

    /**
     * Where the other nodes of the deployment reach this node's HTTPS listener (a direct method for a device connected
     * here): {@code --node-address}, else the --bind address, else (a wildcard bind) this machine's loopback address,
     * which only nodes on the same machine can reach.
     */
    public String nodeAddress() {
        if (settings.nodeAddress != null) {
            return settings.nodeAddress;
        }
        String bind = bindAddress();
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    /**
     * How often this node measures its latency to every linked hub (geoLatency); 0 = never, so every latency is
     * unknown and geoLatency hashes.
     */
    public int latencyProbeSeconds() {
        return settings.latencyProbeSeconds;
    }

    /** The PKCS#11 module that holds the keys of token issuing CAs ({@code --pkcs11-library}). */
    public String pkcs11Library() {
        return settings.pkcs11Library;
    }

    public ListenerTimeouts timeouts() {
        return settings.timeouts;
    }

    public HttpDeadlines httpDeadlines() {
        return settings.httpDeadlines;
    }

    public ConnectionLimits connectionLimits() {
        return settings.connectionLimits;
    }

    public EventOptions events() {
        return settings.events;
    }

    /** Address of the operator's metrics listener ({@code GET /metrics}, plain HTTP). */
    public String metricsBind() {
        return settings.metricsBind;
    }

    /** Port of the metrics listener; 0 = no metrics listener. */
    public int metricsPort() {
        return settings.metricsPort;
    }

    /** The bearer token {@code GET /metrics} must present; null = none (the listener's address is the guard). */
    public String metricsToken() {
        return settings.metricsToken;
    }

    /**
     * TLS 1.2 with the engine's full default cipher list (CBC suites too) instead of ECDHE with AEAD ciphers only,
     * for old clients that need it.
     */
    public boolean tlsLegacyCiphers() {
        return settings.tlsLegacyCiphers;
    }

    /** Run only the built-in hubs (no provisioning instance, no DPS listeners), as {@code muster hub} does. */
    public boolean hubOnly() {
        return settings.hubOnly;
    }

    /** Port of the CRL listener (plain HTTP, {@code GET /crl/{instance}/{ca}.crl}); 0 = none. */
    public int crlPort() {
        return settings.crlPort;
    }

    /**
     * Where relying parties fetch the CRLs (the distribution point written into issued certificates, before
     * {@code /crl/…}): {@code --crl-base-url}, else {@code http://} the global endpoint's host name and the CRL port
     * (no port for 80); null when neither is set (no CRL listener, no base URL: leaves carry no distribution point
     * unless their policy names one).
     */
    public String crlBaseUrl() {
        if (settings.crlBaseUrl != null) {
            return settings.crlBaseUrl;
        }
        if (crlPort() == 0) {
            return null;
        }
        String host = globalEndpointHost().contains(":") ? "[" + globalEndpointHost() + "]" : globalEndpointHost();
        return "http://" + host + (crlPort() == 80 ? "" : ":" + crlPort());
    }

    /** {@code host} or {@code host:port} when the HTTPS port is not 443. */
    public String globalEndpoint() {
        return httpsPort() == 443 ? globalEndpointHost() : globalEndpointHost() + ":" + httpsPort();
    }

    /** Named settings, each starting at its default; {@link #build()} checks them. */
    public static final class Builder {
        private Path dataDir;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private int httpsPort = DEFAULT_HTTPS_PORT;
        private int mqttPort = DEFAULT_MQTT_PORT;
        private int amqpPort = DEFAULT_AMQP_PORT;
        private String globalEndpointHost = DEFAULT_HOST_NAME;
        private String serviceHostName = DEFAULT_HOST_NAME;
        private List<String> hubHosts = List.of(DEFAULT_HUB);
        private String databaseUrl;
        private String databaseUser;
        private String databasePassword;
        private int databasePoolSize = DEFAULT_DATABASE_POOL_SIZE;
        private String secretKey;
        private long quickAnswerMillis = DEFAULT_QUICK_ANSWER_MILLIS;
        private int workerPoolSize = DEFAULT_WORKER_POOL_SIZE;
        private HubClientMode hubClientMode = DEFAULT_HUB_CLIENT_MODE;
        private long webhookTimeoutMillis = DEFAULT_WEBHOOK_TIMEOUT_MILLIS;
        private int latencyProbeSeconds = DEFAULT_LATENCY_PROBE_SECONDS;
        private String pkcs11Library = dev.muster.core.issuance.Pkcs11Tokens.DEFAULT_LIBRARY;
        private int orphanGraceSeconds = DEFAULT_ORPHAN_GRACE_SECONDS;
        private String nodeAddress;
        private ListenerTimeouts timeouts = ListenerTimeouts.DEFAULTS;
        private HttpDeadlines httpDeadlines = HttpDeadlines.DEFAULTS;
        private ConnectionLimits connectionLimits = ConnectionLimits.DEFAULTS;
        private EventOptions events = EventOptions.DEFAULTS;
        private boolean hubOnly;
        private String metricsBind = DEFAULT_METRICS_BIND;
        private int metricsPort = DEFAULT_METRICS_PORT;
        private String metricsToken;
        private boolean tlsLegacyCiphers;
        private int crlPort = DEFAULT_CRL_PORT;
        private String crlBaseUrl;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        private Builder copy() {
            Builder c = new Builder(dataDir);
            c.bindAddress = bindAddress;
            c.httpsPort = httpsPort;
            c.mqttPort = mqttPort;
            c.amqpPort = amqpPort;
            c.globalEndpointHost = globalEndpointHost;
            c.serviceHostName = serviceHostName;
            c.hubHosts = hubHosts;
            c.databaseUrl = databaseUrl;
            c.databaseUser = databaseUser;
            c.databasePassword = databasePassword;
            c.databasePoolSize = databasePoolSize;
            c.secretKey = secretKey;
            c.quickAnswerMillis = quickAnswerMillis;
            c.workerPoolSize = workerPoolSize;
            c.hubClientMode = hubClientMode;
            c.webhookTimeoutMillis = webhookTimeoutMillis;
            c.latencyProbeSeconds = latencyProbeSeconds;
            c.pkcs11Library = pkcs11Library;
            c.orphanGraceSeconds = orphanGraceSeconds;
            c.nodeAddress = nodeAddress;
            c.timeouts = timeouts;
            c.httpDeadlines = httpDeadlines;
            c.connectionLimits = connectionLimits;
            c.events = events;
            c.hubOnly = hubOnly;
            c.metricsBind = metricsBind;
            c.metricsPort = metricsPort;
            c.metricsToken = metricsToken;
            c.tlsLegacyCiphers = tlsLegacyCiphers;
            c.crlPort = crlPort;
            c.crlBaseUrl = crlBaseUrl;
            return c;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        public Builder ports(int https, int mqtt, int amqp) {
            this.httpsPort = port("HTTPS", https);
            this.mqttPort = port("MQTT", mqtt);
            this.amqpPort = port("AMQP", amqp);
            return this;
        }

        public Builder ports(int https, int mqtt) {
            return ports(https, mqtt, amqpPort);
        }

        /** The host name devices and operators use, for both the global endpoint and the service API. */
        public Builder hostName(String host) {
            this.globalEndpointHost = Objects.requireNonNull(host, "hostName");
            this.serviceHostName = host;
            return this;
        }

        public Builder hubHosts(List<String> hosts) {
            this.hubHosts = List.copyOf(hosts);
            return this;
        }

        /** Null for the embedded database; user and password may also come inside the URL. */
        public Builder database(String url, String user, String password) {
            this.databaseUrl = url;
            this.databaseUser = user;
            this.databasePassword = password;
            return this;
        }

        public Builder databasePoolSize(int size) {
            this.databasePoolSize = size;
            return this;
        }

        public Builder secretKey(String base64) {
            this.secretKey = base64;
            return this;
        }

        public Builder quickAnswerMillis(long millis) {
            this.quickAnswerMillis = millis;
            return this;
        }

        public Builder workerPoolSize(int size) {
            this.workerPoolSize = size;
            return this;
        }

        public Builder hubClientMode(HubClientMode mode) {
            this.hubClientMode = Objects.requireNonNull(mode, "hubClientMode");
            return this;
        }

        public Builder webhookTimeoutMillis(long millis) {
            this.webhookTimeoutMillis = millis;
            return this;
        }

        public Builder latencyProbeSeconds(int seconds) {
            this.latencyProbeSeconds = seconds;
            return this;
        }

        public Builder pkcs11Library(String path) {
            this.pkcs11Library = path;
            return this;
        }

        public Builder orphanGraceSeconds(int seconds) {
            this.orphanGraceSeconds = seconds;
            return this;
        }

        /** @param address null = the --bind address (see {@link ServerConfig#nodeAddress}) */
        public Builder nodeAddress(String address) {
            this.nodeAddress = address == null || address.isBlank() ? null : address.strip();
            return this;
        }

        public Builder timeouts(ListenerTimeouts t) {
            this.timeouts = Objects.requireNonNull(t, "timeouts");
            return this;
        }

        public Builder httpDeadlines(HttpDeadlines d) {
            this.httpDeadlines = Objects.requireNonNull(d, "httpDeadlines");
            return this;
        }

        public Builder connectionLimits(ConnectionLimits limits) {
            this.connectionLimits = Objects.requireNonNull(limits, "connectionLimits");
            return this;
        }

        public Builder events(EventOptions options) {
            this.events = Objects.requireNonNull(options, "events");
            return this;
        }

        public Builder hubOnly(boolean only) {
            this.hubOnly = only;
            return this;
        }

        /** Where the operator's {@code GET /metrics} listens; port 0 = nowhere. */
        public Builder metrics(String bind, int port) {
            this.metricsBind = Objects.requireNonNull(bind, "metricsBind");
            require(port >= 0 && port <= 65535, "the metrics port must be 0 (off) to 65535");
            this.metricsPort = port;
            return this;
        }

        /** The bearer token {@code GET /metrics} must present; null for none. */
        public Builder metricsToken(String token) {
            require(token == null || token.length() >= MIN_METRICS_TOKEN_LENGTH && token.chars().allMatch(
                    ch -> ch > ' ' && ch < 127), "the metrics token must be at least " + MIN_METRICS_TOKEN_LENGTH
                    + " printable ASCII characters without spaces");
            this.metricsToken = token;
            return this;
        }

        public Builder tlsLegacyCiphers(boolean legacy) {
            this.tlsLegacyCiphers = legacy;
            return this;
        }

        /**
         * The CRL listener's port (0 = none) and the base URL written into certificates (null = built from the host
         * name and that port; see {@link ServerConfig#crlBaseUrl}).
         */
        public Builder crl(int port, String baseUrl) {
            require(port >= 0 && port <= 65535, "the CRL port must be 0 (off) to 65535");
            String base = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.strip();
            while (base != null && base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            require(base == null || base.matches("(?i)https?://[^/?#\\s]+(/[^?#\\s]*)?"),
                    "the CRL base URL must be an absolute http URL without query, such as http://pki.example.com");
            this.crlPort = port;
            this.crlBaseUrl = base;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting out of its range */
        public ServerConfig build() {
            require(databasePoolSize >= 1 && databasePoolSize <= 1000, "the database pool size must be 1 to 1000");
            require(workerPoolSize >= 1, "the worker pool size must be at least 1");
            require(quickAnswerMillis >= 0, "the quick-answer time must not be negative");
            require(webhookTimeoutMillis >= 1 && webhookTimeoutMillis <= 600_000,
                    "the webhook time-out must be 1 to 600000 ms");
            require(latencyProbeSeconds >= 0, "the latency probe interval must be 0 (off) or more");
            require(orphanGraceSeconds >= 1 && orphanGraceSeconds <= 86_400,
                    "the orphan grace period must be 1 to 86400 seconds");
            require(!hubHosts.isEmpty() || !hubOnly, "a hub-only node needs a hub host");
            return new ServerConfig(this);
        }

        /** 0 lets the system pick a free port (tests that must not collide use it). */
        private static int port(String what, int port) {
            require(port >= 0 && port <= 65535, "the " + what + " port must be 0 to 65535");
            return port;
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
