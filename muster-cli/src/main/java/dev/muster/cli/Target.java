package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * Where a client command talks to: a connection string (flag or MUSTER_CONNECTION_STRING) or, by default,
 * the connection-info.json of a local data folder; the CA to trust comes from --ca or that same file.
 */
public final class Target {
    @Option(names = "--connection-string", description = "Service connection string (default: MUSTER_CONNECTION_STRING,"
            + " else DATA_DIR/connection-info.json).")
    String connectionString;

    @Option(names = "--data-dir", defaultValue = "data", description = "Data folder of a local Muster. Default: ${DEFAULT-VALUE}")
    Path dataDir;

    @Option(names = "--ca", description = "PEM file of the CA to trust (default: the local Muster's CA).")
    Path ca;

    @Option(names = "--port", description = "HTTPS port of the server (default: from connection-info.json, else 443).")
    Integer port;

    private JsonNode info;

    JsonNode connectionInfo() {
        if (info == null) {
            Path file = dataDir.resolve("connection-info.json");
            if (!Files.exists(file)) {
                throw new UsageError("No connection string given and " + file.toAbsolutePath() + " does not exist:"
                        + " start Muster with ./muster serve, or pass --connection-string / --data-dir.");
            }
            try {
                info = Json.MAPPER.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new UsageError("Cannot read " + file + ": " + e.getMessage());
            }
        }
        return info;
    }

    ConnectionString service() {
        String cs = connectionString != null ? connectionString : System.getenv("MUSTER_CONNECTION_STRING");
        if (cs == null) {
            cs = connectionInfo().path("serviceConnectionString").asText();
        }
        try {
            return ConnectionString.parse(cs);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    int httpsPort() {
        if (port != null) {
            return port;
        }
        if (connectionString == null && System.getenv("MUSTER_CONNECTION_STRING") == null) {
            return connectionInfo().path("ports").path("https").asInt(443);
        }
        return 443;
    }

    SSLContext ssl() {
        try {
            if (ca != null) {
                return TrustContexts.trusting(ca);
            }
            Path local = dataDir.resolve("tls").resolve("ca.pem");
            if (Files.exists(local)) {
                return TrustContexts.trusting(local);
            }
            return SSLContext.getDefault();
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageError("Cannot load the CA certificate: " + e.getMessage());
        }
    }
}
