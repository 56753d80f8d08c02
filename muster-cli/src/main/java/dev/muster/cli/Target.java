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
 * Where a client command talks to. First match wins: {@code --connection-string}, {@code --profile NAME},
 * MUSTER_CONNECTION_STRING, an explicit {@code --data-dir} (its connection-info.json), the profile chosen with
 * {@code muster profile use}, and last the local ./data/connection-info.json. The CA to trust comes from
 * {@code --ca-file}, else the profile's CA, else the local Muster's CA, else the JVM's default trust store.
 */
public final class Target {
    @Option(names = "--connection-string", paramLabel = "CS", description = "Service connection string"
            + " (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…). Default: --profile, MUSTER_CONNECTION_STRING,"
            + " the current profile, else DATA_DIR/connection-info.json.")
    String connectionString;

    @Option(names = "--profile", paramLabel = "NAME", description = "A profile saved with 'muster profile save'.")
    String profile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder of a local Muster (its"
            + " connection-info.json and CA). Default: data")
    Path dataDir;

    @Option(names = {"--ca-file", "--ca"}, paramLabel = "PEM", description = "PEM file of the CA to trust"
            + " (default: the profile's, else the local Muster's CA, else the system trust store).")
    Path ca;

    @Option(names = "--port", description = "HTTPS port of the server (default: the profile's, connection-info.json's,"
            + " else 443).")
    Integer port;

    private JsonNode info;
    private Profiles.Profile chosen;
    private boolean resolved;

    /** The data folder: --data-dir, else ./data. */
    Path dataDir() {
        return dataDir != null ? dataDir : Path.of("data");
    }

    /** The profile in use (from --profile, or the current one when nothing more specific was given), or null. */
    Profiles.Profile profile() {
        if (!resolved) {
            resolved = true;
            if (connectionString == null) {
                if (profile != null) {
                    chosen = Profiles.open().get(profile);
                } else if (Environment.connectionString().isEmpty() && dataDir == null) {
                    chosen = Profiles.open().current();
                }
            }
        }
        return chosen;
    }

    /** True when the target is the local data folder's connection-info.json (no string, no profile). */
    boolean local() {
        return connectionString == null && profile() == null && Environment.connectionString().isEmpty();
    }

    JsonNode connectionInfo() {
        if (info == null) {
            Path file = dataDir().resolve("connection-info.json");
            if (!Files.exists(file)) {
                throw new UsageError("No connection string given and " + file.toAbsolutePath() + " does not exist:"
                        + " start Muster with ./muster serve, or pass --connection-string / --profile / --data-dir.");
            }
            try {
                info = Json.MAPPER.readTree(Files.readString(file));
            } catch (IOException e) {
                throw new UsageError("Cannot read " + file + ": " + e.getMessage());
            }
        }
        return info;
    }

    /** The connection string in use, as text. */
    String connectionStringText() {
        if (connectionString != null) {
            return connectionString;
        }
        if (profile() != null) {
            return profile().connectionString();
        }
        return Environment.connectionString()
                .orElseGet(() -> connectionInfo().path("serviceConnectionString").asText());
    }

    ConnectionString service() {
        try {
            return ConnectionString.parse(connectionStringText());
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    int httpsPort() {
        if (port != null) {
            return port;
        }
        if (profile() != null && profile().port() != null) {
            return profile().port();
        }
        return local() ? connectionInfo().path("ports").path("https").asInt(443) : 443;
    }

    /** The CA file in use, or null for the JVM's default trust store. */
    Path caFile() {
        if (ca != null) {
            return ca;
        }
        if (profile() != null && profile().caFile() != null) {
            return Path.of(profile().caFile());
        }
        Path local = dataDir().resolve("tls").resolve("ca.pem");
        return Files.exists(local) ? local : null;
    }

    SSLContext ssl() {
        Path file = caFile();
        try {
            return file != null ? TrustContexts.trusting(file) : SSLContext.getDefault();
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageError("Cannot load the CA certificate " + file + ": " + e.getMessage());
        }
    }
}
