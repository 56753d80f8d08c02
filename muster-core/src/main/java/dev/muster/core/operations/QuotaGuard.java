package dev.muster.core.operations;

import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.Quotas;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Enforces an instance's {@link Quotas}. Per-minute quotas count in the store (one conditional increment per
 * admitted call, only when the quota is set), so several nodes sharing a database admit at most the limit per UTC
 * minute between them. Refusals are Azure's throttling answer: 429, errorCode 429001, {@code Retry-After} = seconds
 * to the next minute.
 */
public final class QuotaGuard {
    public static final int THROTTLED = 429001;
    static final String REGISTRATIONS = "registrations";
    static final String OPERATIONS = "operations";

    private final QuotaStore store;
    private final InstanceStore instances;
    private final Clock clock;

    public QuotaGuard(QuotaStore store, InstanceStore instances, Clock clock) {
        this.store = store;
        this.instances = instances;
        this.clock = clock;
    }

    /** A device registration request (not a status poll). */
    public void admitRegistration(ProvisioningInstance instance) {
        admitPerMinute(instance, REGISTRATIONS, instance.quotas().registrationsPerMinute(), "device registrations");
    }

    /** A service API call. */
    public void admitOperation(ProvisioningInstance instance) {
        admitPerMinute(instance, OPERATIONS, instance.quotas().operationsPerMinute(), "service operations");
    }

    /** Before creating an enrollment or enrollment group (never for an update). */
    public void admitNewEnrollment(String instanceName) {
        Integer limit = instances.instanceByName(instanceName).map(i -> i.quotas().enrollments()).orElse(null);
        if (limit != null && store.enrollmentCount(instanceName) >= limit) {
            throw new ProvisioningException(429, THROTTLED, "The instance holds its quota of " + limit
                    + " enrollments (individual enrollments plus groups); delete some or raise quotas.enrollments.",
                    Map.of("Retry-After", "60"));
        }
    }

    private void admitPerMinute(ProvisioningInstance instance, String counter, Integer limit, String what) {
        if (limit == null) {
            return;
        }
        Instant now = clock.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        if (!store.tryCount(instance.name(), counter, minute, limit)) {
            long retry = Math.max(1, Duration.between(now, minute.plus(1, ChronoUnit.MINUTES)).toSeconds() + 1);
            throw new ProvisioningException(429, THROTTLED, "Too many " + what + ": the quota of instance '"
                    + instance.name() + "' is " + limit + " a minute. Retry after " + retry + " seconds.",
                    Map.of("Retry-After", Long.toString(retry)));
        }
    }
}
