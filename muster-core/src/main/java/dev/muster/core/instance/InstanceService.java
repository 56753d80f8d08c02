package dev.muster.core.instance;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Creating, changing and deleting provisioning service instances. Where a new instance's service host name comes
 * from is the server's business ({@link #create} takes it); everything else about an instance is decided here.
 */
public final class InstanceService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])");
    private static final int ID_SCOPE_ATTEMPTS = 5;

    private final InstanceStore instances;
    private final LinkedHubStore linkedHubs;
    private final String defaultInstance;

    /** @param defaultInstance the instance that can never be deleted (it holds the administrators' policies) */
    public InstanceService(InstanceStore instances, LinkedHubStore linkedHubs, String defaultInstance) {
        this.instances = instances;
        this.linkedHubs = linkedHubs;
        this.defaultInstance = defaultInstance;
    }

    /** Lower-cased; 3 to 63 letters, digits and inner hyphens, so it can be a DNS label. */
    public static String requireValidName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(n).matches()) {
            throw ProvisioningException.badRequest("An instance name is 3 to 63 letters, digits and hyphens, starting"
                    + " and ending with a letter or digit (it becomes part of a host name).");
        }
        return n;
    }

    public ProvisioningInstance instance(String name) {
        return instances.instanceByName(name.toLowerCase(Locale.ROOT)).orElseThrow(() -> notFound(name));
    }

    public List<ProvisioningInstance> list() {
        return instances.listInstances();
    }

    /**
     * Creates the instance with a fresh ID scope and an owner policy, linking {@code hubs}.
     *
     * @throws ProvisioningException 409 if the name or host name is taken
     */
    public ProvisioningInstance create(String name, String serviceHostName, String allocationPolicy, Quotas quotas,
                                       List<LinkedHub> hubs) {
        String n = requireValidName(name);
        String policy = allocationPolicy == null ? AllocationPolicy.HASHED.wireName() : requireAllocationPolicy(allocationPolicy);
        if (instances.instanceByName(n).isPresent()) {
            throw conflict(n);
        }
        for (int attempt = 0; attempt < ID_SCOPE_ATTEMPTS; attempt++) {
            ProvisioningInstance candidate = new ProvisioningInstance(n, Ids.idScope(),
                    serviceHostName.toLowerCase(Locale.ROOT), policy,
                    List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey())), quotas);
            if (instances.createInstance(candidate)) {
                for (LinkedHub hub : hubs) {
                    linkedHubs.saveLinkedHub(n, hub);
                }
                return candidate;
            }
            if (instances.instanceByName(n).isPresent()
                    || instances.instanceByServiceHost(serviceHostName).isPresent()) {
                throw conflict(n);
            }
            // else the random ID scope collided: draw another
        }
        throw new ProvisioningException(500, 500000, "Could not find a free ID scope; retry.");
    }

    /** Changes the allocation policy and/or the quotas; null leaves a setting as it is. */
    public ProvisioningInstance update(String name, String allocationPolicy, Quotas quotas) {
        String policy = allocationPolicy == null ? null : requireAllocationPolicy(allocationPolicy);
        return instances.updateInstance(name, current -> {
            ProvisioningInstance next = current;
            if (policy != null) {
                next = next.withAllocationPolicy(policy);
            }
            if (quotas != null) {
                next = next.withQuotas(quotas);
            }
            return next;
        }).orElseThrow(() -> notFound(name));
    }

    /** Deletes the instance and all its data; the default instance cannot be deleted. */
    public void delete(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals(defaultInstance)) {
            throw ProvisioningException.badRequest("The default instance '" + defaultInstance + "' cannot be deleted:"
                    + " its policies administer the server.");
        }
        if (!instances.deleteInstance(n)) {
            throw notFound(name);
        }
    }

    /** The instance-wide default: hashed (evenly weighted), geoLatency or static. */
    public static String requireAllocationPolicy(String name) {
        AllocationPolicy p = AllocationPolicy.parse(name).filter(a -> a != AllocationPolicy.CUSTOM).orElseThrow(() ->
                ProvisioningException.badRequest("allocationPolicy must be hashed, geoLatency or static (custom"
                        + " allocation is set per enrollment, with its webhook)."));
        return p.wireName();
    }

    private static ProvisioningException notFound(String name) {
        return ProvisioningException.notFound(404000, "No provisioning service instance '" + name + "'.");
    }

    private static ProvisioningException conflict(String name) {
        return ProvisioningException.conflict("A provisioning service instance named '" + name + "' already exists.");
    }
}
