package dev.muster.core.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.Quotas;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class QuotaGuardTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-05-01T12:00:45Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final QuotaGuard guard = new QuotaGuard(store, store, clock);

    private ProvisioningInstance instanceWith(Quotas quotas) {
        ProvisioningInstance i = Fixtures.instance("contoso", "0ne00000001").withQuotas(quotas);
        store.createInstance(i);
        return i;
    }

    @Test
    void admitsTheLimitPerMinuteThenAnswers429UntilTheNextMinute() {
        ProvisioningInstance i = instanceWith(new Quotas(2, null, null));
        guard.admitRegistration(i);
        guard.admitRegistration(i);

        assertThatThrownBy(() -> guard.admitRegistration(i)).isInstanceOf(ProvisioningException.class)
                .satisfies(e -> {
                    ProvisioningException p = (ProvisioningException) e;
                    assertThat(p.httpStatus()).isEqualTo(429);
                    assertThat(p.errorCode()).isEqualTo(429001);
                    assertThat(p.headers()).containsEntry("Retry-After", "16");
                    assertThat(p.getMessage()).contains("2 a minute");
                });
        guard.admitOperation(i); // a separate, unset quota

        clock.advance(Duration.ofSeconds(15));
        guard.admitRegistration(i);
    }

    @Test
    void quotasOffAdmitEverything() {
        ProvisioningInstance i = instanceWith(Quotas.NONE);
        for (int n = 0; n < 100; n++) {
            guard.admitRegistration(i);
            guard.admitOperation(i);
            guard.admitNewEnrollment(i.name());
        }
    }

    @Test
    void countsIndividualEnrollmentsAndGroupsAgainstTheEnrollmentQuota() {
        instanceWith(new Quotas(null, null, 2));
        store.insertEnrollment("contoso", Fixtures.individual("d1", AttestationMechanism.symmetricKey(null, null)));
        guard.admitNewEnrollment("contoso");
        store.insertGroup("contoso", Fixtures.group("g1", AttestationMechanism.symmetricKey(null, null)));

        assertThatThrownBy(() -> guard.admitNewEnrollment("contoso"))
                .hasMessageContaining("quota of 2 enrollments")
                .satisfies(e -> assertThat(((ProvisioningException) e).httpStatus()).isEqualTo(429));
    }
}
