package dev.muster.core.instance;

import dev.muster.core.ProvisioningException;
import dev.muster.core.sas.ConnectionString;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hubs an instance may assign devices to. A link is a hub's connection string plus an allocation weight;
 * unlinking a hub never touches the devices in it.
 */
public final class LinkedHubService {
    public static final int MAX_WEIGHT = 1000;

    private final LinkedHubStore store;

    public LinkedHubService(LinkedHubStore store) {
        this.store = store;
    }

    public List<LinkedHub> list(String instance) {
        return store.linkedHubs(instance);
    }

    public Optional<LinkedHub> find(String instance, String hostName) {
        return store.linkedHubs(instance).stream().filter(h -> h.hostName().equalsIgnoreCase(hostName)).findFirst();
    }

    /** Checks a requested link; the caller may probe the hub before {@link #save}. */
    public LinkedHub validate(String pathHost, String connectionString, Integer weight, Boolean applyAllocationPolicy) {
        if (connectionString == null || connectionString.isBlank()) {
            throw ProvisioningException.badRequest("connectionString is required: HostName=…;SharedAccessKeyName=…;SharedAccessKey=….");
        }
        ConnectionString cs;
        try {
            cs = ConnectionString.parse(connectionString);
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(e.getMessage());
        }
        if (cs.keyName() == null || cs.keyName().isBlank()) {
            throw ProvisioningException.badRequest("The hub connection string needs SharedAccessKeyName (a service policy"
                    + " such as iothubowner), not a device connection string.");
        }
        if (cs.deviceId() != null) {
            throw ProvisioningException.badRequest("That is a device connection string; link a hub with a policy's"
                    + " connection string.");
        }
        try {
            Base64.getDecoder().decode(cs.key());
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest("SharedAccessKey in the hub connection string is not base64.");
        }
        String host = cs.hostName().toLowerCase(Locale.ROOT);
        if (!host.contains(".") || host.matches(".*:\\d+$") && !host.contains("::")) {
            throw ProvisioningException.badRequest("Hub HostName '" + cs.hostName() + "' must contain a dot and carry no"
                    + " port (the Azure device SDKs require it).");
        }
        if (pathHost != null && !pathHost.equalsIgnoreCase(host)) {
            throw ProvisioningException.badRequest("The hub in the path ('" + pathHost + "') differs from the HostName of"
                    + " the connection string ('" + cs.hostName() + "').");
        }
        int w = weight == null ? 1 : weight;
        if (w < 0 || w > MAX_WEIGHT) {
            throw ProvisioningException.badRequest("allocationWeight must be between 0 and " + MAX_WEIGHT + ".");
        }
        return new LinkedHub(host, connectionString.strip(), w, applyAllocationPolicy == null || applyAllocationPolicy);
    }

    public LinkedHub save(String instance, LinkedHub hub) {
        store.saveLinkedHub(instance, hub);
        return hub;
    }

    /** Changes weight and/or applyAllocationPolicy of an existing link. */
    public LinkedHub update(String instance, String hostName, Integer weight, Boolean applyAllocationPolicy) {
        LinkedHub current = find(instance, hostName).orElseThrow(() -> notLinked(hostName));
        LinkedHub next = validate(current.hostName(), current.connectionString(),
                weight == null ? current.allocationWeight() : weight,
                applyAllocationPolicy == null ? current.applyAllocationPolicy() : applyAllocationPolicy);
        store.saveLinkedHub(instance, next);
        return next;
    }

    public void unlink(String instance, String hostName) {
        if (!store.removeLinkedHub(instance, hostName)) {
            throw notLinked(hostName);
        }
    }

    private static ProvisioningException notLinked(String hostName) {
        return ProvisioningException.notFound(404204, "Hub " + hostName + " is not linked to this instance.");
    }
}
