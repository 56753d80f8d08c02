package dev.muster.server;

import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubClients;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.sas.ConnectionString;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import dev.muster.server.allocation.HubLatencyProbe;
import dev.muster.server.hub.RestHubClient;
import dev.muster.server.tls.TrustContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client the provisioning service uses for each linked hub, one per host and connection string: in memory for
 * a built-in hub of this deployment (unless told to use REST), else the hub's REST API over TLS trusting Muster's
 * CA and every CA the operator put in {@code DATA_DIR/tls/trusted/}.
 */
final class HubClientFactory implements HubClients {
    private static final Logger LOG = LoggerFactory.getLogger(HubClientFactory.class);
    /** Where an external hub (Azure, another {@code muster hub}) serves its REST API. */
    private static final int EXTERNAL_HUB_PORT = 443;

    private final BuiltInHub builtIn;
    private final ServerConfig config;
    private final Path caCertificate;
    /** TLS trust of Muster's CA alone, made once: the common case, with no extra CA in the trusted folder. */
    private final SSLContext ownCaOnly;
    private final Map<String, HubClient> clients = new ConcurrentHashMap<>();

    /**
     * @param builtIn       the hubs whose devices and twins are in this deployment's database
     * @param config        the node's settings: hub client mode, HTTPS port, own hub hosts, data folder
     * @param caCertificate Muster's own CA
     */
    HubClientFactory(BuiltInHub builtIn, ServerConfig config, Path caCertificate)
            throws IOException, GeneralSecurityException {
        this.builtIn = builtIn;
        this.config = config;
        this.caCertificate = caCertificate;
        this.ownCaOnly = TrustContexts.trusting(caCertificate);
    }

    @Override
    public HubClient forHub(LinkedHub hub) {
        String host = hub.hostName().toLowerCase(Locale.ROOT);
        return clients.computeIfAbsent(host + "|" + hub.connectionString(), k -> {
            // In memory only when the link's credentials are the hub's own: a wrong key must fail as over REST.
            String key = ConnectionString.parse(hub.connectionString()).key();
            // Any built-in hub in the database, also one another node created: its devices and twins are rows here.
            boolean ours = builtIn.devices().hub(hub.hostName())
                    .filter(h -> key.equals(h.primaryKey()) || key.equals(h.secondaryKey())).isPresent();
            if (ours && config.hubClientMode() == ServerConfig.HubClientMode.DIRECT) {
                return new BuiltInHubClient(builtIn, host);
            }
            return new RestHubClient(hub.connectionString(), ours ? config.httpsPort() : EXTERNAL_HUB_PORT,
                    hubTrust());
        });
    }

    /** The HTTPS endpoint the hub's REST client uses, for the geoLatency probe. */
    HubLatencyProbe.Target latencyTarget(LinkedHub hub) {
        return new HubLatencyProbe.Target(hub.hostName().toLowerCase(Locale.ROOT),
                servedHere(hub) ? config.httpsPort() : EXTERNAL_HUB_PORT);
    }

    /** A built-in hub of this process, listening on this server's HTTPS port. */
    private boolean servedHere(LinkedHub hub) {
        return builtIn.devices().hub(hub.hostName()).isPresent()
                && config.hubHosts().stream().anyMatch(h -> h.equalsIgnoreCase(hub.hostName()));
    }

    private SSLContext hubTrust() {
        Path trusted = config.dataDir().resolve("tls").resolve("trusted");
        List<Path> pems = new ArrayList<>(List.of(caCertificate));
        if (Files.isDirectory(trusted)) {
            try (var files = Files.list(trusted)) {
                files.filter(f -> f.toString().endsWith(".pem") || f.toString().endsWith(".crt")).sorted()
                        .forEach(pems::add);
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", trusted, e.toString());
            }
        }
        try {
            return pems.size() == 1 ? ownCaOnly : TrustContexts.trusting(pems);
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("cannot load the trusted CAs in {}: {}", trusted, e.toString());
            return ownCaOnly;
        }
    }
}
