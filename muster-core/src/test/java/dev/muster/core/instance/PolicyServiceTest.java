package dev.muster.core.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.ProvisioningException;
import dev.muster.core.testing.Fixtures;
import dev.muster.core.testing.InMemoryStore;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyServiceTest {
    private final InMemoryStore store = new InMemoryStore();
    private final PolicyService policies = new PolicyService(store);

    @BeforeEach
    void instance() {
        store.createInstance(Fixtures.instance("contoso", "0ne00000001"));
    }

    private ProvisioningInstance contoso() {
        return store.instanceByName("contoso").orElseThrow();
    }

    @Test
    void createsAPolicyWithGeneratedKeysAndKeepsThemOnReplace() {
        PolicyService.Written created = policies.put("contoso", "reader", EnumSet.of(AccessRight.EnrollmentRead), null, null);

        assertThat(created.created()).isTrue();
        assertThat(created.policy().primaryKey()).isNotBlank().isNotEqualTo(created.policy().secondaryKey());
        PolicyService.Written replaced = policies.put("contoso", "READER",
                EnumSet.of(AccessRight.EnrollmentRead, AccessRight.RegistrationStatusRead), null, null);
        assertThat(replaced.created()).isFalse();
        assertThat(replaced.policy().keyName()).isEqualTo("reader");
        assertThat(replaced.policy().primaryKey()).isEqualTo(created.policy().primaryKey());
        assertThat(contoso().policy("reader").orElseThrow().rights())
                .containsExactlyInAnyOrder(AccessRight.EnrollmentRead, AccessRight.RegistrationStatusRead);
    }

    @Test
    void regeneratingAKeyReplacesOnlyThatKey() {
        SharedAccessPolicy before = contoso().policy(SharedAccessPolicy.OWNER).orElseThrow();

        SharedAccessPolicy after = policies.regenerateKey("contoso", SharedAccessPolicy.OWNER, "Primary");

        assertThat(after.primaryKey()).isNotEqualTo(before.primaryKey());
        assertThat(after.secondaryKey()).isEqualTo(before.secondaryKey());
        assertThat(contoso().policy(SharedAccessPolicy.OWNER).orElseThrow()).isEqualTo(after);
        assertThatThrownBy(() -> policies.regenerateKey("contoso", SharedAccessPolicy.OWNER, "tertiary"))
                .hasMessageContaining("keyType");
    }

    @Test
    void refusesToLeaveTheInstanceWithoutServiceConfig() {
        assertThatThrownBy(() -> policies.delete("contoso", SharedAccessPolicy.OWNER))
                .isInstanceOf(ProvisioningException.class).hasMessageContaining("ServiceConfig")
                .satisfies(e -> assertThat(((ProvisioningException) e).httpStatus()).isEqualTo(400));
        assertThatThrownBy(() -> policies.put("contoso", SharedAccessPolicy.OWNER, EnumSet.of(AccessRight.EnrollmentRead),
                null, null)).hasMessageContaining("ServiceConfig");

        policies.put("contoso", "admin", EnumSet.of(AccessRight.ServiceConfig), null, null);
        policies.delete("contoso", SharedAccessPolicy.OWNER);
        assertThat(contoso().policies()).extracting(SharedAccessPolicy::keyName).containsExactly("admin");
    }

    @Test
    void parsesRightsAsAzureWritesThemAndRejectsUnknownOnes() {
        assertThat(PolicyService.parseRights("enrollmentRead, EnrollmentWrite"))
                .containsExactlyInAnyOrder(AccessRight.EnrollmentRead, AccessRight.EnrollmentWrite);
        assertThat(PolicyService.parseRights(List.of("ServiceConfig"))).containsExactly(AccessRight.ServiceConfig);
        assertThat(PolicyService.formatRights(EnumSet.of(AccessRight.RegistrationStatusRead, AccessRight.ServiceConfig)))
                .isEqualTo("ServiceConfig, RegistrationStatusRead");
        assertThatThrownBy(() -> PolicyService.parseRights("DeviceConnect")).hasMessageContaining("Unknown right 'DeviceConnect'");
    }

    @Test
    void rejectsBadNamesKeysAndEmptyRights() {
        assertThatThrownBy(() -> policies.put("contoso", "a b", EnumSet.of(AccessRight.EnrollmentRead), null, null))
                .hasMessageContaining("policy name");
        assertThatThrownBy(() -> policies.put("contoso", "x", EnumSet.noneOf(AccessRight.class), null, null))
                .hasMessageContaining("at least one right");
        assertThatThrownBy(() -> policies.put("contoso", "x", EnumSet.of(AccessRight.EnrollmentRead), "not-base64!", null))
                .hasMessageContaining("primaryKey");
        assertThatThrownBy(() -> policies.delete("contoso", "nobody")).hasMessageContaining("No shared access policy 'nobody'");
    }
}
