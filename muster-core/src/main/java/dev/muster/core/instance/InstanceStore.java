package dev.muster.core.instance;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

public interface InstanceStore {
    List<ProvisioningInstance> listInstances();

    Optional<ProvisioningInstance> instanceByName(String name);

    Optional<ProvisioningInstance> instanceByIdScope(String idScope);

    Optional<ProvisioningInstance> instanceByServiceHost(String hostName);

    /** @return false if the name, ID scope or host name is taken */
    boolean createInstance(ProvisioningInstance instance);

    /**
     * Atomically replaces the instance's allocation policy, quotas and policies with what {@code change} makes of
     * the current ones (it may be called more than once when writers race; an exception it throws aborts the
     * update). Name, ID scope and host name are kept.
     *
     * @return the stored result, or empty if no such instance
     */
    Optional<ProvisioningInstance> updateInstance(String name, UnaryOperator<ProvisioningInstance> change);

    /**
     * Deletes the instance and everything that belongs to it: enrollments, groups, registrations, operations,
     * linked hubs, CA certificates, usage and quota counts.
     *
     * @return false if there was no such instance
     */
    boolean deleteInstance(String name);
}
