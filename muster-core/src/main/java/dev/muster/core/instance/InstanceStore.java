package dev.muster.core.instance;

import java.util.List;
import java.util.Optional;

public interface InstanceStore {
    List<ProvisioningInstance> listInstances();

    Optional<ProvisioningInstance> instanceByName(String name);

    Optional<ProvisioningInstance> instanceByIdScope(String idScope);

    Optional<ProvisioningInstance> instanceByServiceHost(String hostName);

    /** @return false if the name, ID scope or host name is taken */
    boolean createInstance(ProvisioningInstance instance);
}
