package dev.muster.store;

import static dev.muster.store.Fixtures.device;
import static dev.muster.store.Fixtures.nextTwin;
import static dev.muster.store.Fixtures.twin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.DesiredChange;
import dev.muster.core.hub.DeviceTwin;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What every store backend must do with module identities and module twins, run by {@link StoreContractTest} on
 * each database (kept apart so the module contract reads as one piece).
 */
interface HubModuleStoreContract {
    String HUB = StoreContractTest.HUB;

    Stores stores();

    SecretBox secretBox();

    /** A new, empty database; each call of the function opens it (tracked and closed) migrated to that version. */
    Function<String, Database> newDatabaseAt();

    static HubModule module(String deviceId, String moduleId) {
        return new HubModule(deviceId, moduleId, "gen-" + moduleId, Ids.etag(), "Disconnected", HubModule.NEVER,
                HubModule.NEVER, 0, AuthenticationMechanism.sas(Ids.symmetricKey(), Ids.symmetricKey()), null);
    }

    private HubStore hubs() {
        return stores().hubs();
    }

    private void deviceWithModules(String deviceId, String... moduleIds) {
        assertThat(hubs().insertDevice(HUB, device(deviceId), twin(deviceId))).isTrue();
        for (String m : moduleIds) {
            assertThat(hubs().insertModule(HUB, module(deviceId, m), twin(deviceId))).isTrue();
        }
    }

    @Test
    default void anInsertedModuleComesWithItsTwinAndIsListedOnItsDeviceInIdOrder() {
        hubs().insertDevice(HUB, device("dev-m"), twin("dev-m"));
        HubModule b = module("dev-m", "b-mod");
        HubModule a = module("dev-m", "A-mod");
        DeviceTwin twinOfB = twin("dev-m");
        assertThat(hubs().insertModule(HUB, b, twinOfB)).isTrue();
        assertThat(hubs().insertModule(HUB, a, twin("dev-m"))).isTrue();

        assertThat(hubs().module(HUB, "dev-m", "b-mod")).contains(b);
        assertThat(hubs().module(HUB.toUpperCase(Locale.ROOT), "dev-m", "b-mod")).as("hub host case-insensitive").contains(b);
        assertThat(hubs().module(HUB, "dev-m", "B-MOD")).as("module IDs are case-sensitive").isEmpty();
        assertThat(hubs().moduleTwin(HUB, "dev-m", "b-mod")).contains(twinOfB);
        assertThat(hubs().modules(HUB, "dev-m")).containsExactly(a, b);
        assertThat(hubs().modules(HUB, "other-device")).isEmpty();
        assertThat(hubs().twin(HUB, "dev-m")).as("the device's own twin is apart").isPresent()
                .get().isNotEqualTo(twinOfB);
    }

    @Test
    default void aModuleNeedsItsDeviceAndIsInsertedOnce() {
        assertThat(hubs().insertModule(HUB, module("ghost", "m1"), twin("ghost"))).isFalse();
        assertThat(hubs().module(HUB, "ghost", "m1")).isEmpty();

        deviceWithModules("dev-once", "m1");
        HubModule first = hubs().module(HUB, "dev-once", "m1").orElseThrow();
        assertThat(hubs().insertModule(HUB, module("dev-once", "m1"), twin("dev-once"))).isFalse();
        assertThat(hubs().module(HUB, "dev-once", "m1")).contains(first);
        assertThat(hubs().insertModule("other.hub.local", module("dev-once", "m1"), twin("dev-once")))
                .as("the device is in another hub").isFalse();
    }

    @Test
    default void concurrentInsertsOfOneModuleLetExactlyOneWin() throws Exception {
        hubs().insertDevice(HUB, device("dev-race"), twin("dev-race"));
        List<Boolean> results = StoreContractTest.concurrently(
                i -> hubs().insertModule(HUB, module("dev-race", "racer"), twin("dev-race")));
        assertThat(results).filteredOn(r -> r).hasSize(1);
        assertThat(hubs().modules(HUB, "dev-race")).hasSize(1);
    }

    @Test
    default void replaceModuleSwapsOnlyOnTheExpectedEtagAndKeepsTheTwin() {
        deviceWithModules("dev-r", "m1");
        HubModule v1 = hubs().module(HUB, "dev-r", "m1").orElseThrow();
        DeviceTwin twin = hubs().moduleTwin(HUB, "dev-r", "m1").orElseThrow();
        HubModule v2 = module("dev-r", "m1");

        assertThat(hubs().replaceModule(HUB, v2, Ids.etag())).isFalse();
        assertThat(hubs().replaceModule(HUB, module("dev-r", "M1"), v1.etag())).as("other case is another module").isFalse();
        assertThat(hubs().replaceModule(HUB, v2, v1.etag())).isTrue();
        assertThat(hubs().module(HUB, "dev-r", "m1")).contains(v2);
        assertThat(hubs().replaceModule(HUB, module("dev-r", "m1"), v1.etag())).as("stale").isFalse();
        assertThat(hubs().moduleTwin(HUB, "dev-r", "m1")).contains(twin);
    }

    @Test
    default void concurrentModuleTwinSwapsOnOneVersionLetExactlyOneWin() throws Exception {
        deviceWithModules("dev-t", "m1");
        DeviceTwin base = hubs().moduleTwin(HUB, "dev-t", "m1").orElseThrow();
        List<Boolean> results = StoreContractTest.concurrently(
                i -> hubs().replaceModuleTwin(HUB, "m1", nextTwin(base, "r" + i, i), base.version()));

        assertThat(results).filteredOn(r -> r).hasSize(1);
        DeviceTwin stored = hubs().moduleTwin(HUB, "dev-t", "m1").orElseThrow();
        assertThat(stored.version()).isEqualTo(base.version() + 1);
        assertThat(stored.reported().size()).isEqualTo(1);
        assertThat(hubs().twin(HUB, "dev-t").orElseThrow().reported().size()).as("the device twin is untouched").isZero();
        assertThat(hubs().replaceModuleTwin(HUB, "other", nextTwin(base, "x", 1), base.version()))
                .as("no such module").isFalse();
    }

    @Test
    default void deleteModuleRemovesItsTwinAndHonoursTheEtag() {
        deviceWithModules("dev-d", "m1", "m2");
        HubModule m1 = hubs().module(HUB, "dev-d", "m1").orElseThrow();

        assertThat(hubs().deleteModule(HUB, "dev-d", "m1", Ids.etag())).isFalse();
        assertThat(hubs().deleteModule(HUB, "dev-d", "m1", m1.etag())).isTrue();
        assertThat(hubs().module(HUB, "dev-d", "m1")).isEmpty();
        assertThat(hubs().moduleTwin(HUB, "dev-d", "m1")).isEmpty();
        assertThat(hubs().deleteModule(HUB, "dev-d", "m1", null)).as("already gone").isFalse();
        assertThat(hubs().deleteModule(HUB, "dev-d", "m2", null)).as("unconditional").isTrue();
        assertThat(hubs().device(HUB, "dev-d")).as("the device stays").isPresent();
    }

    @Test
    default void deletingADeviceDeletesItsModulesAndTheirTwinsButNotOthers() {
        deviceWithModules("dev-gone", "m1", "m2");
        deviceWithModules("dev-kept", "m1");

        assertThat(hubs().deleteDevice(HUB, "dev-gone", null)).isTrue();

        assertThat(hubs().modules(HUB, "dev-gone")).isEmpty();
        assertThat(hubs().moduleTwin(HUB, "dev-gone", "m1")).isEmpty();
        assertThat(hubs().modules(HUB, "dev-kept")).hasSize(1);
        assertThat(hubs().deviceCount(HUB)).as("modules are not devices").isEqualTo(1);
        assertThat(hubs().insertDevice(HUB, device("dev-gone"), twin("dev-gone"))).isTrue();
        assertThat(hubs().modules(HUB, "dev-gone")).as("a re-created device starts without modules").isEmpty();
    }

    @Test
    default void moduleKeysAreNeverWrittenInPlainText() throws SQLException {
        deviceWithModules("dev-sealed-m", "m1");
        String key = hubs().module(HUB, "dev-sealed-m", "m1").orElseThrow().authentication().symmetricKey().primaryKey();
        try (Connection c = connection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT doc FROM hub_modules");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).doesNotContain(key).startsWith("enc:v1:");
        }
    }

    /** A connection to the database {@link #stores()} works on. */
    Connection connection() throws SQLException;

    @Test
    default void desiredChangesOfModuleTwinsAreKeptApartFromTheDevicesOwn() {
        Instant at = Instant.parse("2024-05-01T10:00:00Z");
        ObjectNode patch = Json.object().put("interval", 5).put("$version", 2);
        DesiredChange ofDevice = new DesiredChange(HUB, "dev-1", 2, at, patch);
        DesiredChange ofModule = new DesiredChange(HUB, "dev-1", "m1", 2, at, patch);
        stores().desiredChanges().appendDesiredChange(ofDevice);
        stores().desiredChanges().appendDesiredChange(ofModule);
        stores().desiredChanges().appendDesiredChange(ofModule);

        assertThat(stores().desiredChanges().desiredChangesSince(at, 10)).containsExactlyInAnyOrder(ofDevice, ofModule);
    }

    @Test
    default void desiredChangesLoggedBeforeModulesSurviveTheMigration() throws SQLException {
        List<String> versions = StoreContractTest.shippedVersions();
        String before = versions.get(versions.indexOf("15") - 1);
        Function<String, Database> target = newDatabaseAt();
        Database old = target.apply(before);
        new Jdbc(old.dataSource()).update("INSERT INTO hub_desired_changes (hub_key, device_id, desired_version,"
                        + " changed_at, patch) VALUES (?, ?, ?, ?, ?)", Documents.key(HUB), "dev-old", 3L,
                Instant.parse("2024-05-01T10:00:00Z"), "{\"a\":1,\"$version\":3}");
        old.close();

        Stores after = Stores.open(target.apply(null), secretBox());

        assertThat(after.desiredChanges().desiredChangesSince(Instant.EPOCH, 10)).singleElement()
                .satisfies(c -> {
                    assertThat(c.deviceId()).isEqualTo("dev-old");
                    assertThat(c.moduleId()).isNull();
                    assertThat(c.desiredVersion()).isEqualTo(3L);
                });
    }

    @Test
    default void theHubsModulesArePagedWithTheirTwinsInDeviceThenModuleOrder() {
        deviceWithModules("dev-b", "m2", "M1");
        deviceWithModules("dev-a", "x");
        deviceWithModules("dev-c");
        hubs().insertDevice("other.hub.local", device("dev-a"), twin("dev-a"));
        hubs().insertModule("other.hub.local", module("dev-a", "elsewhere"), twin("dev-a"));

        List<String> all = hubs().modulesWithTwinsAfter(HUB, null, null, 10).stream()
                .map(e -> e.module().deviceId() + "/" + e.module().moduleId()).toList();
        List<String> afterFirst = hubs().modulesWithTwinsAfter(HUB, "dev-a", "x", 1).stream()
                .map(e -> e.module().deviceId() + "/" + e.module().moduleId()).toList();
        List<String> afterSecond = hubs().modulesWithTwinsAfter(HUB, "dev-b", "M1", 10).stream()
                .map(e -> e.module().deviceId() + "/" + e.module().moduleId()).toList();

        // byte order: upper case before lower case
        assertThat(all).containsExactly("dev-a/x", "dev-b/M1", "dev-b/m2");
        assertThat(afterFirst).containsExactly("dev-b/M1");
        assertThat(afterSecond).containsExactly("dev-b/m2");
        assertThat(hubs().modulesWithTwinsAfter(HUB, null, null, 10).get(0).twin().deviceId()).isEqualTo("dev-a");
    }
}
