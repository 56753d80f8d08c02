package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.RegistrationRecord;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubClients;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
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

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final CrashingRecords records = new CrashingRecords(store);
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final HubClients clients = hub -> new BuiltInHubClient(builtIn, hub.hostName());
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, usage, clock);
    private final RegistrationService service = RegistrationService.builder().instances(store).enrollments(store)
            .registrations(records).operations(store).linkedHubs(store).hubClients(clients).deviceClaims(store)
            .usage(usage).clock(clock).build();
    private final OrphanDeviceSweep sweep = new OrphanDeviceSweep(new OrphanDeviceSweep.Options(store, store, store,
            store, clients, clock, GRACE));

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
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        store.saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), 1, true));
        assertThat(sweep.sweep()).as("the first sweep only sets its mark").isZero();
        clock.advance(Duration.ofSeconds(1));
    }

    private String enroll(String id) {
        String key = Ids.symmetricKey();
        enrollments.putEnrollment(INSTANCE, id, individual(id, symmetricKey(key, Ids.symmetricKey())), null);
        return key;
    }

    private RegistrationOperationStatus register(String id, String key) {
        String token = Sas.javaDevice(SCOPE + "/registrations/" + id, key, clock.instant().getEpochSecond() + 3600);
        JsonNode body = Json.tree("{\"registrationId\":\"" + id + "\"}");
        return service.register(new RegistrationRequest(SCOPE, id, body, DeviceCredentials.sas(token)),
                service.newOperationId());
    }

    private boolean inHub(String id) {
        return builtIn.devices().device(HUB, id).isPresent();
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
