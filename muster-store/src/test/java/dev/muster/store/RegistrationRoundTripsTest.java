package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.registration.DeviceCredentials;
import dev.muster.core.registration.RegistrationOperationStatus;
import dev.muster.core.registration.RegistrationRequest;
import dev.muster.core.registration.RegistrationService;
import dev.muster.core.sas.DerivedKey;
import dev.muster.core.sas.SasSigner;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot path's conversation with the database: a registration is a small, fixed number of round trips whatever the
 * number of devices, enrollments or nodes (the same SQL runs on H2 and PostgreSQL). Usage counts are not among them:
 * they are added up in memory and written once a second.
 */
class RegistrationRoundTripsTest {
    private static final String INSTANCE = "default";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB = "127.0.10.1";
    /**
     * Instance, enrollment, record (twice: allocation and assignment), linked hubs, the device's claim (one insert;
     * a re-registration reads it), device with twin, record, operation.
     */
    static final int FIRST_REGISTRATION_BOUND = 11;
    static final int RE_REGISTRATION_BOUND = 9;

    @TempDir
    Path dir;
    private Database database;
    private CountingDataSource counting;
    private RegistrationService registrations;
    private final String groupKey = Ids.symmetricKey();

    @BeforeEach
    void setUp() {
        database = Database.embedded(dir);
        counting = new CountingDataSource(database.dataSource());
        Stores store = Stores.on(counting.dataSource(), SecretBox.ephemeral());
        Clock clock = Clock.systemUTC();
        store.instances().createInstance(new ProvisioningInstance(INSTANCE, SCOPE, "localhost", "hashed",
                List.of(SharedAccessPolicy.owner(Ids.policyKey(), Ids.policyKey()))));
        String hubKey = Ids.policyKey();
        store.hubs().createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, hubKey, Ids.policyKey()));
        store.linkedHubs().saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + hubKey, 1, true));
        UsageMeter usage = new UsageMeter(store.usage(), clock);
        BuiltInHubClient hub = new BuiltInHubClient(BuiltInHub.create(store.hubs(), clock), HUB);
        registrations = RegistrationService.builder().instances(store.instances()).enrollments(store.enrollments())
                .registrations(store.registrations()).operations(store.operations()).linkedHubs(store.linkedHubs())
                .hubClients(link -> hub).deviceClaims(store.deviceClaims()).usage(usage).clock(clock).build();
        new EnrollmentService(store.enrollments(), store.registrations(), store.linkedHubs(), usage, clock).putGroup(INSTANCE, "line-3", Json.read(
                "{\"enrollmentGroupId\":\"line-3\",\"attestation\":{\"type\":\"symmetricKey\",\"symmetricKey\":"
                        + "{\"primaryKey\":\"" + groupKey + "\",\"secondaryKey\":\"" + Ids.symmetricKey() + "\"}},"
                        + "\"initialTwin\":{\"tags\":{\"site\":\"lab\"},\"properties\":{\"desired\":{\"interval\":30}}}}",
                EnrollmentGroup.class), null);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private RegistrationOperationStatus register(String id) {
        String token = SasSigner.sign(SCOPE + "/registrations/" + id, DerivedKey.of(groupKey, id), "registration",
                System.currentTimeMillis() / 1000 + 3600);
        return registrations.register(new RegistrationRequest(SCOPE, id, Json.object().put("registrationId", id),
                DeviceCredentials.sas(token)), registrations.newOperationId());
    }

    @Test
    void aFirstRegistrationTakesABoundedNumberOfRoundTrips() {
        register("warm-up");
        counting.roundTrips.clear();

        RegistrationOperationStatus result = register("line-3-unit-1");

        assertThat(result.status()).isEqualTo(DeviceRegistrationState.ASSIGNED);
        System.out.println("first registration: " + counting.roundTrips.size() + " round trips " + counting.roundTrips);
        assertThat(counting.roundTrips).hasSizeLessThanOrEqualTo(FIRST_REGISTRATION_BOUND);
    }

    @Test
    void aReRegistrationTakesABoundedNumberOfRoundTrips() {
        register("line-3-unit-1");
        counting.roundTrips.clear();

        RegistrationOperationStatus result = register("line-3-unit-1");

        assertThat(result.status()).isEqualTo(DeviceRegistrationState.ASSIGNED);
        System.out.println("re-registration: " + counting.roundTrips.size() + " round trips " + counting.roundTrips);
        assertThat(counting.roundTrips).hasSizeLessThanOrEqualTo(RE_REGISTRATION_BOUND);
    }

    @Test
    void theRoundTripsDoNotGrowWithTheNumberOfDevices() {
        register("line-3-unit-0");
        counting.roundTrips.clear();
        register("line-3-unit-1");
        int one = counting.roundTrips.size();
        for (int i = 2; i < 50; i++) {
            register("line-3-unit-" + i);
        }
        counting.roundTrips.clear();

        register("line-3-unit-50");

        assertThat(counting.roundTrips).hasSize(one);
    }
}
