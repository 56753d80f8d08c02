package dev.muster.hub;

import static dev.muster.hub.ModuleFixtures.HUB;
import static dev.muster.hub.ModuleFixtures.requested;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.Ids;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.X509Thumbprint;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModuleRegistryTest {

    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, new MutableClock(Instant.parse("2025-04-01T09:00:00Z")));
    private final ModuleRegistry modules = builtIn.modules();

    @BeforeEach
    void setUp() {
        ModuleFixtures.hubWithDevice(store, builtIn);
    }

    private ModuleRegistry.Put add(String moduleId) {
        return modules.putModule(HUB, requested("dev1", moduleId, null), null);
    }

    private static void assertRefused(ThrowingCallable call, HubErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aNewSasModuleGetsGeneratedKeysAnIdentityAndTheHubsInitialFields() {
        ModuleRegistry.Put put = add("sensor");

        HubModule m = put.module();
        assertThat(put.created()).isTrue();
        assertThat(m.deviceId()).isEqualTo("dev1");
        assertThat(m.moduleId()).isEqualTo("sensor");
        assertThat(m.generationId()).isNotBlank();
        assertThat(m.etag()).isNotBlank();
        assertThat(m.connectionState()).isEqualTo("Disconnected");
        assertThat(m.lastActivityTime()).isEqualTo(HubModule.NEVER);
        assertThat(m.cloudToDeviceMessageCount()).isZero();
        assertThat(m.authentication().type()).isEqualTo("sas");
        assertThat(Base64.getDecoder().decode(m.authentication().symmetricKey().primaryKey())).hasSize(64);
        assertThat(m.authentication().symmetricKey().secondaryKey()).isNotEqualTo(m.authentication().symmetricKey().primaryKey());
        assertThat(modules.module(HUB, "dev1", "sensor")).isEqualTo(m);
        assertThat(builtIn.twins().moduleTwinJson(HUB, "dev1", "sensor")).isPresent();
    }

    @Test
    void blankKeysAsTheNodeRegistrySendsThemAreGeneratedAndGivenKeysAreKept() {
        HubModule blank = modules.putModule(HUB, requested("dev1", "m-blank", AuthenticationMechanism.sas("", "")), null)
                .module();
        String key = Ids.symmetricKey();
        HubModule given = modules.putModule(HUB, requested("dev1", "m-given", AuthenticationMechanism.sas(key, key)), null)
                .module();

        assertThat(blank.authentication().symmetricKey().primaryKey()).isNotBlank();
        assertThat(given.authentication().symmetricKey().primaryKey()).isEqualTo(key);
    }

    @Test
    void aSelfSignedModuleNeedsAThumbprint() {
        assertRefused(() -> modules.putModule(HUB, requested("dev1", "cam",
                new AuthenticationMechanism("selfSigned", null, null)), null), HubErrorCode.ARGUMENT_INVALID);
        HubModule m = modules.putModule(HUB, requested("dev1", "cam",
                new AuthenticationMechanism("selfSigned", null, new X509Thumbprint("AB".repeat(20), null))), null).module();
        assertThat(m.authentication().x509Thumbprint().primaryThumbprint()).isEqualTo("AB".repeat(20));
    }

    @Test
    void creatingAnExistingModuleWithoutIfMatchIsAConflict() {
        HubModule first = add("sensor").module();

        assertRefused(() -> add("sensor"), HubErrorCode.MODULE_ALREADY_EXISTS_ON_DEVICE);
        assertThat(modules.module(HUB, "dev1", "sensor")).isEqualTo(first);
    }

    @Test
    void anUpdateWithTheEtagOrStarReplacesTheCredentialsAndKeepsTheIdentity() {
        HubModule first = add("sensor").module();
        String key = Ids.symmetricKey();

        ModuleRegistry.Put byEtag = modules.putModule(HUB, requested("dev1", "sensor", AuthenticationMechanism.sas(key, key)),
                "\"" + first.etag() + "\"");
        ModuleRegistry.Put forced = modules.putModule(HUB, requested("dev1", "sensor", null), "*");

        assertThat(byEtag.created()).isFalse();
        assertThat(byEtag.module().authentication().symmetricKey().primaryKey()).isEqualTo(key);
        assertThat(byEtag.module().generationId()).isEqualTo(first.generationId());
        assertThat(byEtag.module().etag()).isNotEqualTo(first.etag());
        assertThat(forced.module().etag()).isNotEqualTo(byEtag.module().etag());
        assertThat(forced.module().authentication().symmetricKey().primaryKey()).as("new keys were generated").isNotEqualTo(key);
    }

    @Test
    void aStaleEtagIsRefusedWith412AndChangesNothing() {
        HubModule first = add("sensor").module();
        modules.putModule(HUB, requested("dev1", "sensor", null), "*");
        HubModule current = modules.module(HUB, "dev1", "sensor");

        assertRefused(() -> modules.putModule(HUB, requested("dev1", "sensor", null), first.etag()),
                HubErrorCode.PRECONDITION_FAILED);
        assertRefused(() -> modules.deleteModule(HUB, "dev1", "sensor", first.etag()), HubErrorCode.PRECONDITION_FAILED);
        assertThat(modules.module(HUB, "dev1", "sensor")).isEqualTo(current);
    }

    @Test
    void anUpdateOfAMissingModuleWithAnEtagIsModuleNotFoundButStarCreatesIt() {
        assertRefused(() -> modules.putModule(HUB, requested("dev1", "ghost", null), "\"abc\""),
                HubErrorCode.MODULE_NOT_FOUND);
        assertThat(modules.putModule(HUB, requested("dev1", "ghost", null), "*").created()).isTrue();
    }

    @Test
    void modulesOfAnUnknownDeviceAreDeviceNotFoundAndUnknownModulesModuleNotFound() {
        assertRefused(() -> modules.putModule(HUB, requested("nobody", "m", null), null), HubErrorCode.DEVICE_NOT_FOUND);
        assertRefused(() -> modules.module(HUB, "nobody", "m"), HubErrorCode.DEVICE_NOT_FOUND);
        assertRefused(() -> modules.modules(HUB, "nobody"), HubErrorCode.DEVICE_NOT_FOUND);
        assertRefused(() -> modules.deleteModule(HUB, "nobody", "m", "*"), HubErrorCode.DEVICE_NOT_FOUND);
        assertRefused(() -> modules.module(HUB, "dev1", "m"), HubErrorCode.MODULE_NOT_FOUND);
        assertRefused(() -> modules.deleteModule(HUB, "dev1", "m", "*"), HubErrorCode.MODULE_NOT_FOUND);
        assertThat(modules.modules(HUB, "dev1")).as("a device without modules").isEmpty();
    }

    @Test
    void modulesAreListedInIdOrderAndDeletedOneByOne() {
        add("b");
        add("a");
        HubModule c = add("c").module();

        assertThat(modules.modules(HUB, "dev1")).extracting(HubModule::moduleId).containsExactly("a", "b", "c");
        modules.deleteModule(HUB, "dev1", "c", c.etag());
        modules.deleteModule(HUB, "dev1", "a", "*");
        assertThat(modules.modules(HUB, "dev1")).extracting(HubModule::moduleId).containsExactly("b");
        assertThat(builtIn.twins().moduleTwinJson(HUB, "dev1", "a")).as("the twin went with it").isEmpty();
    }

    @Test
    void moduleIdsFollowIotHubsRulesAndTheEdgeRuntimesNamesAreReserved() {
        for (String bad : new String[] {"", "has space", "slash/inside", "x".repeat(129), "caf\u00e9", "semi;colon"}) {
            assertRefused(() -> add(bad), HubErrorCode.ARGUMENT_INVALID);
        }
        assertRefused(() -> add("$edgeAgent"), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> add("$edgeHub"), HubErrorCode.ARGUMENT_INVALID);
        assertThat(add("a-b.c+d%e_f#g*h?i!j(k)l,m:n=o@p$q'r").created()).isTrue();
        assertThat(add("x".repeat(128)).created()).isTrue();
        assertThat(add("$custom").created()).as("only the two runtime names are reserved").isTrue();
    }

    @Test
    void deletingTheDeviceDeletesItsModulesAndTheStatisticsCountDevicesOnly() {
        add("a");
        add("b");
        assertThat(builtIn.devices().deviceCount(HUB)).isEqualTo(1);

        assertThat(builtIn.devices().deleteDevice(HUB, "dev1", "*")).isTrue();
        builtIn.devices().putDevice(HUB, HubDevice.of("dev1", null, null), null);

        assertThat(modules.modules(HUB, "dev1")).isEmpty();
        assertThat(builtIn.twins().moduleTwinJson(HUB, "dev1", "a")).isEmpty();
        assertThat(builtIn.devices().deviceCount(HUB)).isEqualTo(1);
    }
}
