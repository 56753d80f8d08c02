package dev.muster.server;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code muster serve} can be told. Defaults give a working single-machine setup with no DNS:
 * the global endpoint and service API on {@code localhost}, each built-in hub on its own loopback address
 * (hub names must contain a dot and carry no port, so loopback IP literals are the names that resolve anywhere).
 *
 * @param bindAddress address the global endpoint and service API listen on
 * @param hubHosts host names of the built-in hubs; an IP literal is also bound as a listen address
 * @param databaseUrl null for the embedded H2 database in the data folder
 * @param quickAnswerMillis how long a register call may take before the device is told 202 and polls instead
 * @param hubClientMode "direct" reaches this process's built-in hubs in memory, "rest" always uses the REST API
 * @param webhookTimeoutMillis deadline for one custom-allocation webhook call (connect, send, answer)
 * @param latencyProbeSeconds how often this node measures its latency to every linked hub (geoLatency); 0 = never,
 *                            so every latency is unknown and geoLatency hashes
 * @param amqpPort DPS over AMQP 1.0/TLS (the Azure SDKs expect 5671)
 */
public record ServerConfig(Path dataDir, String bindAddress, int httpsPort, int mqttPort, String globalEndpointHost,
                           String serviceHostName, List<String> hubHosts, String databaseUrl, String databaseUser,
                           String databasePassword, int databasePoolSize, long quickAnswerMillis, int workerPoolSize,
                           String hubClientMode, long webhookTimeoutMillis, int latencyProbeSeconds, int amqpPort,
                           ListenerTimeouts timeouts) {

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

    public static final String DEFAULT_HUB = "127.0.10.1";
    public static final long DEFAULT_WEBHOOK_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_LATENCY_PROBE_SECONDS = 30;
    public static final int DEFAULT_AMQP_PORT = 5671;

    /** Default webhook time-out and latency probe interval (the record before those two settings existed). */
    public ServerConfig(Path dataDir, String bindAddress, int httpsPort, int mqttPort, String globalEndpointHost,
                        String serviceHostName, List<String> hubHosts, String databaseUrl, String databaseUser,
                        String databasePassword, int databasePoolSize, long quickAnswerMillis, int workerPoolSize,
                        String hubClientMode) {
        this(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts, databaseUrl,
                databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize, hubClientMode,
                DEFAULT_WEBHOOK_TIMEOUT_MILLIS, DEFAULT_LATENCY_PROBE_SECONDS, DEFAULT_AMQP_PORT, ListenerTimeouts.DEFAULTS);
    }

    /** AMQP on its default port (the record before the AMQP port existed). */
    public ServerConfig(Path dataDir, String bindAddress, int httpsPort, int mqttPort, String globalEndpointHost,
                        String serviceHostName, List<String> hubHosts, String databaseUrl, String databaseUser,
                        String databasePassword, int databasePoolSize, long quickAnswerMillis, int workerPoolSize,
                        String hubClientMode, long webhookTimeoutMillis, int latencyProbeSeconds) {
        this(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts, databaseUrl,
                databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize, hubClientMode,
                webhookTimeoutMillis, latencyProbeSeconds, DEFAULT_AMQP_PORT, ListenerTimeouts.DEFAULTS);
    }

    /** Default listener time-outs (the record before they were settings). */
    public ServerConfig(Path dataDir, String bindAddress, int httpsPort, int mqttPort, String globalEndpointHost,
                        String serviceHostName, List<String> hubHosts, String databaseUrl, String databaseUser,
                        String databasePassword, int databasePoolSize, long quickAnswerMillis, int workerPoolSize,
                        String hubClientMode, long webhookTimeoutMillis, int latencyProbeSeconds, int amqpPort) {
        this(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts, databaseUrl,
                databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize, hubClientMode,
                webhookTimeoutMillis, latencyProbeSeconds, amqpPort, ListenerTimeouts.DEFAULTS);
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "127.0.0.1", 443, 8883, "localhost", "localhost", List.of(DEFAULT_HUB),
                null, null, null, 16, 2000, 32, "direct", DEFAULT_WEBHOOK_TIMEOUT_MILLIS, DEFAULT_LATENCY_PROBE_SECONDS,
                DEFAULT_AMQP_PORT, ListenerTimeouts.DEFAULTS);
    }

    public ServerConfig withPorts(int https, int mqtt) {
        return withPorts(https, mqtt, amqpPort);
    }

    public ServerConfig withPorts(int https, int mqtt, int amqp) {
        return new ServerConfig(dataDir, bindAddress, https, mqtt, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize,
                hubClientMode, webhookTimeoutMillis, latencyProbeSeconds, amqp, timeouts);
    }

    public ServerConfig withHubClientMode(String mode) {
        return new ServerConfig(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize, mode,
                webhookTimeoutMillis, latencyProbeSeconds, amqpPort, timeouts);
    }

    public ServerConfig withQuickAnswerMillis(long millis) {
        return new ServerConfig(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, millis, workerPoolSize, hubClientMode,
                webhookTimeoutMillis, latencyProbeSeconds, amqpPort, timeouts);
    }

    public ServerConfig withWebhookTimeoutMillis(long millis) {
        return new ServerConfig(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize,
                hubClientMode, millis, latencyProbeSeconds, amqpPort, timeouts);
    }

    public ServerConfig withLatencyProbeSeconds(int seconds) {
        return new ServerConfig(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize,
                hubClientMode, webhookTimeoutMillis, seconds, amqpPort, timeouts);
    }

    public ServerConfig withTimeouts(ListenerTimeouts t) {
        return new ServerConfig(dataDir, bindAddress, httpsPort, mqttPort, globalEndpointHost, serviceHostName, hubHosts,
                databaseUrl, databaseUser, databasePassword, databasePoolSize, quickAnswerMillis, workerPoolSize,
                hubClientMode, webhookTimeoutMillis, latencyProbeSeconds, amqpPort, t);
    }

    /** {@code host} or {@code host:port} when the HTTPS port is not 443. */
    public String globalEndpoint() {
        return httpsPort == 443 ? globalEndpointHost : globalEndpointHost + ":" + httpsPort;
    }
}
