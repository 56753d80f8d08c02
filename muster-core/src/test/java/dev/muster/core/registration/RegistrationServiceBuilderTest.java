package dev.muster.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class RegistrationServiceBuilderTest {
    private final InMemoryStore store = new InMemoryStore();
    private final Clock clock = Clock.systemUTC();

    private RegistrationService.Builder complete() {
        return RegistrationService.builder().instances(store).enrollments(store).registrations(store)
                .operations(store).linkedHubs(store).hubClients(hub -> null).deviceClaims(store).usage(new UsageMeter(store, clock))
                .clock(clock);
    }

    @Test
    void buildsWithOnlyTheRequiredOptions() {
        assertThat(complete().build().newOperationId()).isNotBlank();
    }

    @Test
    void namesTheRequiredOptionLeftOut() {
        assertThatThrownBy(() -> complete().hubClients(null).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("RegistrationService needs hubClients(...) before build()");
        assertThatThrownBy(() -> RegistrationService.builder().build())
                .hasMessage("RegistrationService needs instances(...) before build()");
    }
}
