package dev.muster.core.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceServiceTest {
    private final InMemoryStore store = new InMemoryStore();
    private final InstanceService service = new InstanceService(store, store, "default");
    private final LinkedHub hub = new LinkedHub("hub.local", "HostName=hub.local;SharedAccessKeyName=o;SharedAccessKey=a2V5", 1, true);

    @Test
    void createsAnInstanceWithAnIdScopeAnOwnerPolicyAndTheGivenHubs() {
        ProvisioningInstance created = service.create("Factory-1", "127.0.30.1", null, null, List.of(hub));

        assertThat(created.name()).isEqualTo("factory-1");
        assertThat(created.idScope()).matches("0ne[0-9A-F]{8}");
        assertThat(created.allocationPolicy()).isEqualTo("hashed");
        assertThat(created.quotas()).isEqualTo(Quotas.NONE);
        assertThat(created.policy(SharedAccessPolicy.OWNER).orElseThrow().rights()).contains(AccessRight.ServiceConfig);
        assertThat(store.instanceByServiceHost("127.0.30.1")).contains(created);
        assertThat(store.linkedHubs("factory-1")).containsExactly(hub);
        assertThatThrownBy(() -> service.create("factory-1", "127.0.30.2", null, null, List.of()))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("already exists");
    }

    @Test
    void changesAllocationPolicyAndQuotasOnly() {
        service.create("a1x", "a1x.example", "geoLatency", null, List.of());

        ProvisioningInstance updated = service.update("a1x", "static", new Quotas(5, null, 100));
        assertThat(updated.allocationPolicy()).isEqualTo("static");
        assertThat(updated.quotas()).isEqualTo(new Quotas(5, null, 100));
        assertThat(service.update("a1x", null, null)).isEqualTo(updated);
        assertThat(service.update("a1x", "GEOLATENCY", null).allocationPolicy()).isEqualTo("geoLatency");
        assertThatThrownBy(() -> service.update("a1x", "custom", null)).hasMessageContaining("hashed, geoLatency or static");
        assertThatThrownBy(() -> new Quotas(0, null, null)).hasMessageContaining("at least 1");
    }

    @Test
    void deletingAnInstanceRemovesItsDataButNeverTheDefault() {
        store.createInstance(Fixtures.instance("default", "0ne00000000"));
        service.create("gone", "gone.example", null, null, List.of(hub));
        store.insertEnrollment("gone", Fixtures.individual("dev-1", dev.muster.core.enrollment.AttestationMechanism
                .symmetricKey(null, null)));

        service.delete("gone");

        assertThat(store.instanceByName("gone")).isEmpty();
        assertThat(store.enrollment("gone", "dev-1")).isEmpty();
        assertThat(store.linkedHubs("gone")).isEmpty();
        assertThatThrownBy(() -> service.delete("default")).hasMessageContaining("cannot be deleted");
        assertThatThrownBy(() -> service.delete("gone")).hasMessageContaining("No provisioning service instance");
    }

    @Test
    void rejectsNamesThatCannotBeAHostLabel() {
        for (String bad : List.of("ab", "-abc", "abc-", "a.b.c", "a_b_c", "x".repeat(64))) {
            assertThatThrownBy(() -> service.create(bad, "h.example", null, null, List.of()))
                    .as(bad).hasMessageContaining("instance name");
        }
    }
}
