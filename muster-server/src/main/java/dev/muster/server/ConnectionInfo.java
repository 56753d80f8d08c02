package dev.muster.server;

import java.util.List;

/**
 * {@code DATA_DIR/connection-info.json}: what scripts, tests and the CLI need to reach a running Muster.
 * Written once every listener is up. {@code metrics} is the operators' Prometheus URL, null when it is off.
 */
public record ConnectionInfo(String idScope, String globalEndpoint, String serviceConnectionString,
                             String caCertificate, List<Hub> hubs, Ports ports, String dataDir, String metrics) {
    public record Hub(String hostName, String connectionString) {}

    /** Listening ports; {@code amqp} is DPS over AMQP/TLS (absent, 0, in files written before it existed). */
    public record Ports(int https, int mqtt, int amqp) {}
}
