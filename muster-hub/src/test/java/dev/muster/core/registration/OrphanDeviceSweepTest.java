package dev.muster.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node that stops between creating a device and saving its record leaves a device the sweep removes. */
class OrphanDeviceSweepTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne000000AA";
    private static final String HUB = "hub-one.muster.test";
    private static final Duration GRACE = Duration.ofMinutes(2);

    private final RegistrationHarness h = new RegistrationHarness(Instant.parse("2026-12-01T10:00:00Z"));
    private final MutableClock clock = h.clock;
    private final InMemoryStore store = h.store;
    private final CrashingRecords records = new CrashingRecords(store);
    private final RegistrationService service = h.service(records);
    private final OrphanDeviceSweep sweep = new OrphanDeviceSweep(new OrphanDeviceSweep.Options(store, store, store,
            store, h.clients, clock, GRACE));

    /** The record write "crashes" (the node died) while {@code crash} is set. */
    private static final class CrashingRecords implements RegistrationStore {
        private final RegistrationStore delegate;
        volatile boolean crash;

        CrashingRecords(RegistrationStore delegate) {
            this.delegate = delegate;
        }

        @Override public Optional<RegistrationRecord> registration(String i, String id) { return delegate.registration(i, id); }
        @Override public void saveRegistration(String i, RegistrationRecord r) { delegate.saveRegistration(i, r); }
        @Override public boolean saveRegistrationIf(String i, RegistrationRecord r, String etag) {
            if (crash) {
                throw new IllegalStateException("node stopped");
            }
            return delegate.saveRegistrationIf(i, r, etag);
        }
        @Override public boolean deleteRegistration(String i, String id, String etag) { return delegate.deleteRegistration(i, id, etag); }
        @Override public List<RegistrationRecord> registrationsOfGroup(String i, String g, String a, int l) { return delegate.registrationsOfGroup(i, g, a, l); }
        @Override public int deleteRegistrationsOfEnrollment(String i, String e, boolean g) { return delegate.deleteRegistrationsOfEnrollment(i, e, g); }
    }

    @BeforeEach
    void setUp() {
        store.createInstance(Fixtures.instance(INSTANCE, SCOPE));
        h.builtInHub(HUB);
        h.link(INSTANCE, HUB, 1);
        assertThat(sweep.sweep()).as("the first sweep only sets its mark").isZero();
        clock.advance(Duration.ofSeconds(1));
    }

    private String enroll(String id) {
        return h.enroll(INSTANCE, id, null, null);
    }

    private RegistrationOperationStatus register(String id, String key) {
        return h.register(service, SCOPE, id, key);
    }

    private boolean inHub(String id) {
        return h.builtIn.devices().device(HUB, id).isPresent();
    }

    @Test
    void aDeviceWhoseRecordWasNeverSavedIsRemovedOnceTheGracePeriodHasPassed() {
        String key = enroll("crashed");
        records.crash = true;
        assertThatThrownBy(() -> register("crashed", key)).hasMessage("node stopped");
        records.crash = false;
        assertThat(inHub("crashed")).isTrue();

        assertThat(sweep.sweep()).as("a registration may still be finishing").isZero();
        assertThat(inHub("crashed")).isTrue();
        clock.advance(GRACE.plusSeconds(1));

        assertThat(sweep.sweep()).isEqualTo(1);
        assertThat(inHub("crashed")).isFalse();
        assertThat(store.deviceClaim(HUB, "crashed")).isEmpty();
        // the device's retry registers it afresh
        assertThat(register("crashed", key).status()).isEqualTo("assigned");
        assertThat(inHub("crashed")).isTrue();
    }

    @Test
    void finishedRegistrationsAndDevicesWhoseRecordsAnOperatorDeletedStay() {
        String done = enroll("done");
        String deleted = enroll("deleted");
        register("done", done);
        register("deleted", deleted);
        service.deleteRecord(INSTANCE, "DELETED", null);
        clock.advance(GRACE.plusSeconds(1));

        assertThat(sweep.sweep()).isZero();

        assertThat(inHub("done")).isTrue();
        assertThat(inHub("deleted")).isTrue();
    }

    @Test
    void theRetryOfASweptRegistrationIsAnOrdinaryDevice() {
        String key = enroll("crashed");
        records.crash = true;
        assertThatThrownBy(() -> register("crashed", key));
        records.crash = false;
        clock.advance(GRACE.plusSeconds(1));
        assertThat(sweep.sweep()).isEqualTo(1);
        register("crashed", key);
        // a device created again by hand after the sweep looked is not the sweep's business any more
        store.deleteRegistration(INSTANCE, "crashed", null);
        clock.advance(GRACE.plusSeconds(1));
        assertThat(sweep.sweep()).isZero();
        assertThat(inHub("crashed")).isTrue();
    }
}
