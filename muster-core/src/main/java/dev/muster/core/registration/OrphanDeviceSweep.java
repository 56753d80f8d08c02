package dev.muster.core.registration;

import dev.muster.core.Timestamps;
import dev.muster.core.device.DeviceClaim;
import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.hub.HubClients;
import dev.muster.core.hub.HubException;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.LinkedHubStore;
import dev.muster.core.instance.ProvisioningInstance;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the hub devices of registrations that never finished. A registration claims the device, creates it in
 * the hub, then saves its record and only then tells the device "assigned"; a node that dies between the hub write
 * and the record leaves a device nobody was told about, held by a claim. The sweep looks at each claim once, after a
 * grace period longer than any registration takes: a claim whose registration's record does not name its device (and
 * that no operator kept by deleting the record) is such an orphan, and its device and claim go. Every node runs it;
 * the mark of how far it looked is shared, and each step is idempotent, so two nodes sweeping at once do no harm.
 */
public final class OrphanDeviceSweep {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanDeviceSweep.class);
    static final String NAME = "orphan-devices";
    private static final int PAGE = 500;

    private final DeviceClaimStore claims;
    private final InstanceStore instances;
    private final RegistrationStore registrations;
    private final LinkedHubStore linkedHubs;
    private final HubClients hubClients;
    private final Clock clock;
    private final Duration grace;

    /** The stores and hub clients the registrations use; {@code grace} is how long a registration may take. */
    public record Options(DeviceClaimStore claims, InstanceStore instances, RegistrationStore registrations,
                          LinkedHubStore linkedHubs, HubClients hubClients, Clock clock, Duration grace) {}

    public OrphanDeviceSweep(Options o) {
        this.claims = o.claims();
        this.instances = o.instances();
        this.registrations = o.registrations();
        this.linkedHubs = o.linkedHubs();
        this.hubClients = o.hubClients();
        this.clock = o.clock();
        this.grace = o.grace();
    }

    /**
     * Looks at the claims made since the last sweep and before the grace period. The first sweep of a deployment
     * only sets the mark: claims older than the sweep were made before it existed, by records it cannot doubt.
     *
     * @return how many orphan devices were removed
     */
    public int sweep() {
        String until = Timestamps.format(clock.instant().minus(grace));
        Optional<String> from = claims.sweptUntil(NAME);
        if (from.isEmpty()) {
            claims.advanceSweep(NAME, null, until);
            return 0;
        }
        if (from.get().compareTo(until) >= 0) {
            return 0;
        }
        int removed = 0;
        DeviceClaim after = new DeviceClaim("", "", "", "", "", from.get());
        while (true) {
            List<DeviceClaim> page = claims.claimsMadeUntil(after, until, PAGE);
            for (DeviceClaim c : page) {
                if (removeIfOrphan(c)) {
                    removed++;
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        claims.advanceSweep(NAME, from.get(), until);
        if (removed > 0) {
            LOG.warn("removed {} hub device(s) whose registration never saved its record (a node stopped mid-way)",
                    removed);
        }
        return removed;
    }

    private boolean removeIfOrphan(DeviceClaim c) {
        Optional<ProvisioningInstance> owner = instances.instanceByIdScope(c.ownerIdScope());
        if (owner.isEmpty()) {
            return false; // a deleted instance's devices stay, as on Azure
        }
        Optional<RegistrationRecord> record = registrations.registration(owner.get().name(), c.registrationId());
        boolean named = record.map(RegistrationRecord::state)
                .filter(s -> DeviceRegistrationState.ASSIGNED.equals(s.status()))
                .filter(s -> c.hubHostName().equalsIgnoreCase(s.assignedHub()) && c.deviceId().equals(s.deviceId()))
                .isPresent();
        if (named) {
            return false;
        }
        Optional<LinkedHub> hub = linkedHubs.linkedHubs(owner.get().name()).stream()
                .filter(h -> h.hostName().equalsIgnoreCase(c.hubHostName())).findFirst();
        if (hub.isEmpty()) {
            return false; // unlinked since: the sweep has no credentials for it, and the claim keeps the ID safe
        }
        try {
            hubClients.forHub(hub.get()).deleteDevice(c.deviceId());
        } catch (HubException e) {
            LOG.warn("could not remove orphan device {} from hub {}: {}; the claim stays", c.deviceId(),
                    c.hubHostName(), e.getMessage());
            return false;
        }
        claims.deleteDeviceClaim(c.hubHostName(), c.deviceId(), c.ownerIdScope());
        LOG.info("removed device {} from hub {}: registration {} of instance {} never saved its record",
                c.deviceId(), c.hubHostName(), c.registrationId(), owner.get().name());
        return true;
    }
}
