package dev.muster.core.registration;

import static dev.muster.core.testing.Fixtures.individual;
import static dev.muster.core.testing.Fixtures.symmetricKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.enrollment.EnrollmentService;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.instance.LinkedHub;
import dev.muster.core.instance.Quotas;
import dev.muster.core.operations.OperationKind;
import dev.muster.core.operations.QuotaGuard;
import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.core.testing.Sas;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.BuiltInHubClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registrations-per-minute quota: register requests count, polls do not, and refusals are metered. */
class RegistrationQuotaTest {
    private static final String INSTANCE = "contoso";
    private static final String SCOPE = "0ne00ABCDEF";
    private static final String HUB = "hub-one.muster.test";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:10Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final UsageMeter usage = new UsageMeter(store, clock);
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final QuotaGuard quotas = new QuotaGuard(store, store, clock);
    private final EnrollmentService enrollments = new EnrollmentService(store, store, store, usage, clock);
    private final RegistrationService service = RegistrationService.builder().instances(store).enrollments(store).registrations(store).operations(store).linkedHubs(store)
            .hubClients(hub -> new BuiltInHubClient(builtIn, hub.hostName())).deviceClaims(store).usage(usage).clock(clock).build()
            .limitedBy(quotas);
    private String token;

    @BeforeEach
    void setUp() {
        store.createInstance(Fixtures.instance(INSTANCE, SCOPE).withQuotas(new Quotas(1, null, null)));
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        store.saveLinkedHub(INSTANCE, new LinkedHub(HUB, "HostName=" + HUB + ";SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=" + Ids.policyKey(), 1, true));
        String key = Ids.symmetricKey();
        enrollments.putEnrollment(INSTANCE, "dev-1", individual("dev-1", symmetricKey(key, key)), null);
        token = Sas.javaDevice(SCOPE + "/registrations/dev-1", key, clock.instant().getEpochSecond() + 3600);
    }

    private RegistrationOperationStatus register() {
        return service.register(new RegistrationRequest(SCOPE, "dev-1", Json.tree("{\"registrationId\":\"dev-1\"}"),
                DeviceCredentials.sas(token)), service.newOperationId());
    }

    @Test
    void aRegistrationPastTheQuotaIs429AndCountedAsAFailureButPollsStillAnswer() {
        RegistrationOperationStatus first = register();
        assertThat(first.status()).isEqualTo(DeviceRegistrationState.ASSIGNED);

        ProvisioningException throttled = catchThrowableOfType(ProvisioningException.class, this::register);
        assertThat(throttled.httpStatus()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo(QuotaGuard.THROTTLED);
        assertThat(throttled.headers()).containsEntry("Retry-After", "51");
        for (int i = 0; i < 3; i++) {
            assertThat(service.operationStatus(SCOPE, "dev-1", first.operationId(), DeviceCredentials.sas(token))
                    .status()).isEqualTo(DeviceRegistrationState.ASSIGNED);
        }

        assertThat(usage.usageSince(INSTANCE, Instant.EPOCH)).containsEntry(OperationKind.REGISTRATION, 1L)
                .containsEntry(OperationKind.FAILED_REGISTRATION, 1L);
        assertThat(store.failuresSince(INSTANCE, Instant.EPOCH)).containsEntry(FailureReason.QUOTA_EXCEEDED, 1L);
        clock.advance(Duration.ofMinutes(1));
        assertThat(register().status()).isEqualTo(DeviceRegistrationState.ASSIGNED);
    }
}
