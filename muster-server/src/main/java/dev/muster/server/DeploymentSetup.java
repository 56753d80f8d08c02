package dev.muster.server;

import dev.muster.core.Ids;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.store.Stores;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must exist before a node serves anyone: the default provisioning instance and the built-in hubs this node
 * was told about, each linked to it. Made on first start and found on every later one; several nodes starting at once
 * on one database agree on one of each (creation is a conditional write, the loser reads the winner's).
 */
final class DeploymentSetup {
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentSetup.class);
    static final String DEFAULT_INSTANCE = "default";

    private final Stores stores;
    private final ServerConfig config;

    DeploymentSetup(Stores stores, ServerConfig config) {
        this.stores = stores;
        this.config = config;
    }

    /** The default instance, made with a fresh ID scope and owner keys if there is none yet. */
    ProvisioningInstance defaultInstance() {
        return stores.instances().instanceByName(DEFAULT_INSTANCE).orElseGet(() -> {
            ProvisioningInstance created = new ProvisioningInstance(DEFAULT_INSTANCE, Ids.idScope(),
                    config.serviceHostName().toLowerCase(Locale.ROOT), "hashed",
                    List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey())));
            if (!stores.instances().createInstance(created)) {
                return stores.instances().instanceByName(DEFAULT_INSTANCE).orElseThrow();
            }
            LOG.info("created provisioning service instance '{}' with ID scope {}", created.name(), created.idScope());
            return created;
        });
    }

    /**
     * This node's built-in hubs (its configured hub hosts), made with fresh keys where missing and linked to
     * {@code instance} unless it already links them; null instance on a hub-only node.
     */
    List<BuiltInHubConfig> ownHubs(ProvisioningInstance instance) {
        List<BuiltInHubConfig> out = new ArrayList<>();
        List<LinkedHub> linked = instance == null ? List.of() : stores.linkedHubs().linkedHubs(instance.name());
        for (String host : config.hubHosts()) {
            String h = host.toLowerCase(Locale.ROOT);
            BuiltInHubConfig hub = builtInHub(h).orElseGet(() -> {
                stores.hubs().createBuiltInHub(new BuiltInHubConfig(h, BuiltInHubConfig.OWNER, Ids.policyKey(),
                        Ids.policyKey()));
                return builtInHub(h).orElseThrow();
            });
            out.add(hub);
            if (instance != null && linked.stream().noneMatch(l -> l.hostName().equalsIgnoreCase(h))) {
                stores.linkedHubs().saveLinkedHub(instance.name(), new LinkedHub(h, hub.connectionString(), 1, true));
            }
        }
        return out;
    }

    /** This node's own hubs plus every other built-in hub another node sharing the database created. */
    List<BuiltInHubConfig> allHubs(List<BuiltInHubConfig> own) {
        List<BuiltInHubConfig> all = new ArrayList<>(own);
        for (BuiltInHubConfig h : stores.hubs().builtInHubs()) {
            if (all.stream().noneMatch(o -> o.hostName().equalsIgnoreCase(h.hostName()))) {
                all.add(h);
            }
        }
        return all;
    }

    private Optional<BuiltInHubConfig> builtInHub(String host) {
        return stores.hubs().builtInHubs().stream().filter(b -> b.hostName().equalsIgnoreCase(host)).findFirst();
    }
}
