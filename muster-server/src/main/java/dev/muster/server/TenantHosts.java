package dev.muster.server;

import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.server.service.InstanceHosts;
import dev.muster.server.tls.LocalPki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Service host names of new instances. On a server addressed as {@code localhost} or by IP, each instance gets a
 * loopback address of its own, {@code 127.0.30.N} (every 127/8 address reaches this machine, so no DNS is needed);
 * otherwise {@code NAME.<server host name>}, covered by the certificate's wildcard name (the operator provides the
 * wildcard DNS record).
 */
final class TenantHosts implements InstanceHosts {
    static final String LOOPBACK_PREFIX = "127.0.30.";

    private final InstanceStore instances;
    private final String serverHost;
    private final List<BuiltInHubConfig> hubs;
    private final Consumer<ProvisioningInstance> serve;
    private final int httpsPort;
    private final boolean probe;

    /**
     * @param probe whether to skip loopback addresses whose HTTPS port another process holds (false when this server
     *              listens on the wildcard address, which covers them all)
     */
    TenantHosts(InstanceStore instances, String serverHost, int httpsPort, boolean probe, List<BuiltInHubConfig> hubs,
                Consumer<ProvisioningInstance> serve) {
        this.instances = instances;
        this.serverHost = serverHost.toLowerCase(Locale.ROOT);
        this.httpsPort = httpsPort;
        this.probe = probe;
        this.hubs = List.copyOf(hubs);
        this.serve = serve;
    }

    /** Whether instances get loopback addresses rather than sub-domains. */
    static boolean loopbackStyle(String serverHost) {
        return serverHost.equalsIgnoreCase("localhost") || LocalPki.isIpLiteral(serverHost);
    }

    @Override
    public String hostFor(String name) {
        if (!loopbackStyle(serverHost)) {
            return name + "." + serverHost;
        }
        Set<String> taken = new HashSet<>();
        instances.listInstances().forEach(i -> taken.add(i.serviceHostName()));
        for (int n = 1; n < 255; n++) {
            String address = LOOPBACK_PREFIX + n;
            // Skip addresses another process serves (e.g. a separate `muster hub --hub-host` on one).
            if (!taken.contains(address) && portFree(address)) {
                return address;
            }
        }
        throw new dev.muster.core.ProvisioningException(400, 400004, "All loopback addresses " + LOOPBACK_PREFIX
                + "1-254 are taken by instances or other servers; delete an instance, or serve Muster under a DNS"
                + " name for sub-domain hosts.");
    }

    private boolean portFree(String address) {
        if (!probe) {
            return true;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(address, httpsPort));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void serve(ProvisioningInstance instance) {
        serve.accept(instance);
    }

    @Override
    public List<LinkedHub> defaultHubs() {
        return hubs.stream().map(h -> new LinkedHub(h.hostName(), h.connectionString(), 1, true)).toList();
    }
}
