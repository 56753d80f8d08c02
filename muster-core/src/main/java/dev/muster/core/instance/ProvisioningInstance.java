package dev.muster.core.instance;

import java.util.List;
import java.util.Optional;

/**
 * A provisioning service instance: the tenant. Its ID scope isolates devices, its service host name and
 * policies isolate operators; enrollments, registrations, linked hubs and certificates all belong to one.
 * Name, ID scope and service host name never change; allocation policy, quotas and policies may.
 */
public record ProvisioningInstance(String name, String idScope, String serviceHostName, String allocationPolicy,
                                   List<SharedAccessPolicy> policies, Quotas quotas) {

    public ProvisioningInstance {
        policies = List.copyOf(policies);
        quotas = quotas == null ? Quotas.NONE : quotas;
    }

    /** Without quotas. */
    public ProvisioningInstance(String name, String idScope, String serviceHostName, String allocationPolicy,
                                List<SharedAccessPolicy> policies) {
        this(name, idScope, serviceHostName, allocationPolicy, policies, Quotas.NONE);
    }

    public Optional<SharedAccessPolicy> policy(String keyName) {
        return policies.stream().filter(p -> p.keyName().equalsIgnoreCase(keyName)).findFirst();
    }

    public ProvisioningInstance withPolicies(List<SharedAccessPolicy> updated) {
        return new ProvisioningInstance(name, idScope, serviceHostName, allocationPolicy, updated, quotas);
    }

    public ProvisioningInstance withAllocationPolicy(String updated) {
        return new ProvisioningInstance(name, idScope, serviceHostName, updated, policies, quotas);
    }

    public ProvisioningInstance withQuotas(Quotas updated) {
        return new ProvisioningInstance(name, idScope, serviceHostName, allocationPolicy, policies, updated);
    }
}
