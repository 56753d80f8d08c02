package dev.muster.server.service;

import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import java.util.List;

/** What creating an instance needs from the server: a host name, making it reachable, and the hubs to link. */
public interface InstanceHosts {
    /** The service host name a new instance called {@code name} gets (unused by any instance). */
    String hostFor(String name);

    /** Makes the new instance's service host reachable on this node (listener, certificate name). */
    void serve(ProvisioningInstance instance);

    /** The hubs a new instance is linked to. */
    List<LinkedHub> defaultHubs();
}
