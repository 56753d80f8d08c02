package dev.muster.core.instance;

import java.util.List;

/**
 * A provisioning service instance: the tenant. Its ID scope isolates devices, its service host name and
 * policies isolate operators; enrollments, registrations, linked hubs and certificates all belong to one.
 */
public record ProvisioningInstance(String name, String idScope, String serviceHostName, String allocationPolicy,
                                   List<SharedAccessPolicy> policies) {

    public java.util.Optional<SharedAccessPolicy> policy(String keyName) {
        return policies.stream().filter(p -> p.keyName().equalsIgnoreCase(keyName)).findFirst();
    }
}
