package dev.muster.hub;

import static dev.muster.hub.ModuleFixtures.HUB;
import static dev.muster.hub.ModuleFixtures.requested;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubModule;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModuleTwinTest {

    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, new MutableClock(Instant.parse("2025-04-01T09:00:00Z")));
    private final TwinService twins = builtIn.twins();
    private final List<String> devicePushes = new ArrayList<>();
    private final List<String> modulePushes = new ArrayList<>();
    private HubModule sensor;

    @BeforeEach
    void setUp() {
        sensor = ModuleFixtures.hubWithSensorModule(store, builtIn);
        twins.addTwinListener(new TwinListener() {
            @Override
            public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
                devicePushes.add(deviceId + " " + patch);
            }

            @Override
            public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
                modulePushes.add(deviceId + "/" + moduleId + " " + patch);
            }
        });
    }

    private static void assertRefused(ThrowingCallable call, HubErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private ObjectNode patch(String json, String ifMatch) {
        return twins.updateTwin(HUB, TwinKey.module("dev1", "sensor"), Json.tree(json), ifMatch, false);
    }

    @Test
    void aNewModuleTwinNamesDeviceAndModuleAndStartsAtVersionOne() {
        ObjectNode twin = twins.moduleTwinJson(HUB, "dev1", "sensor").orElseThrow();

        assertThat(twin.path("deviceId").asText()).isEqualTo("dev1");
        assertThat(twin.path("moduleId").asText()).isEqualTo("sensor");
        assertThat(twin.path("etag").asText()).isNotBlank();
        assertThat(twin.path("deviceEtag").asText()).isEqualTo(sensor.etag());
        assertThat(twin.path("version").asLong()).isEqualTo(1);
        assertThat(twin.path("authenticationType").asText()).isEqualTo("sas");
        assertThat(twin.path("connectionState").asText()).isEqualTo("Disconnected");
        assertThat(twin.path("tags").isObject()).isTrue();
        assertThat(twin.path("properties").path("desired").path("$version").asLong()).isEqualTo(1);
        assertThat(twin.path("properties").path("reported").path("$version").asLong()).isEqualTo(1);
        assertThat(twins.twinJson(HUB, "dev1").orElseThrow().has("moduleId")).as("the device twin names no module").isFalse();
    }

    @Test
    void aDesiredPatchChangesOnlyTheModuleTwinAndIsAnnouncedAsTheModules() {
        ObjectNode after = patch("{\"tags\":{\"site\":\"lab\"},\"properties\":{\"desired\":{\"rate\":5}}}", null);

        assertThat(after.path("tags").path("site").asText()).isEqualTo("lab");
        assertThat(after.path("properties").path("desired").path("rate").asInt()).isEqualTo(5);
        assertThat(after.path("properties").path("desired").path("$version").asLong()).isEqualTo(2);
        assertThat(after.path("version").asLong()).isEqualTo(2);
        assertThat(modulePushes).containsExactly("dev1/sensor {\"rate\":5,\"$version\":2}");
        assertThat(devicePushes).isEmpty();
        ObjectNode deviceTwin = twins.twinJson(HUB, "dev1").orElseThrow();
        assertThat(deviceTwin.path("properties").path("desired").has("rate")).isFalse();
        assertThat(deviceTwin.path("tags").has("site")).isFalse();
    }

    @Test
    void aReplaceSetsTagsAndDesiredAndPushesTheWholeDesiredDocument() {
        patch("{\"tags\":{\"a\":1},\"properties\":{\"desired\":{\"x\":1,\"y\":2}}}", null);

        ObjectNode after = twins.updateTwin(HUB, TwinKey.module("dev1", "sensor"),
                Json.tree("{\"tags\":{\"b\":2},\"properties\":{\"desired\":{\"y\":3}}}"), "*", true);

        assertThat(after.path("tags").has("a")).isFalse();
        assertThat(after.path("tags").path("b").asInt()).isEqualTo(2);
        assertThat(after.path("properties").path("desired").has("x")).isFalse();
        assertThat(modulePushes).last().isEqualTo("dev1/sensor {\"y\":3,\"$version\":3}");
    }

    @Test
    void aStaleTwinEtagIsRefusedAndTheCurrentOneAccepted() {
        String etag = twins.moduleTwinJson(HUB, "dev1", "sensor").orElseThrow().path("etag").asText();
        patch("{\"properties\":{\"desired\":{\"rate\":1}}}", "\"" + etag + "\"");

        assertRefused(() -> patch("{\"properties\":{\"desired\":{\"rate\":2}}}", etag), HubErrorCode.PRECONDITION_FAILED);
        assertThat(twins.moduleTwinJson(HUB, "dev1", "sensor").orElseThrow()
                .path("properties").path("desired").path("rate").asInt()).isEqualTo(1);
    }

    @Test
    void theModuleSideReadsItsTwinDocumentAndReportsWithNewVersions() {
        patch("{\"properties\":{\"desired\":{\"rate\":5}}}", null);

        long v1 = twins.patchModuleReported(HUB, "dev1", "sensor", Json.tree("{\"temp\":20}"));
        long v2 = twins.patchModuleReported(HUB, "dev1", "sensor", Json.tree("{\"temp\":null,\"hum\":3}"));

        assertThat(v1).isEqualTo(2);
        assertThat(v2).isEqualTo(3);
        ObjectNode doc = twins.moduleTwinDocument(HUB, "dev1", "sensor").orElseThrow();
        assertThat(doc.path("desired").path("rate").asInt()).isEqualTo(5);
        assertThat(doc.path("desired").path("$version").asLong()).isEqualTo(2);
        assertThat(doc.path("reported").has("temp")).isFalse();
        assertThat(doc.path("reported").path("hum").asInt()).isEqualTo(3);
        assertThat(doc.path("reported").path("$version").asLong()).isEqualTo(3);
        assertThat(twins.deviceTwinDocument(HUB, "dev1").orElseThrow().path("reported").has("hum")).isFalse();
    }

    @Test
    void twinsOfMissingModulesAreModuleNotFoundAndOfMissingDevicesDeviceNotFound() {
        assertThat(twins.moduleTwinJson(HUB, "dev1", "ghost")).isEmpty();
        assertThat(twins.moduleTwinDocument(HUB, "dev1", "ghost")).isEmpty();
        assertRefused(() -> twins.updateTwin(HUB, TwinKey.module("dev1", "ghost"), Json.tree("{}"), null, false),
                HubErrorCode.MODULE_NOT_FOUND);
        assertRefused(() -> twins.patchModuleReported(HUB, "dev1", "ghost", Json.tree("{}")), HubErrorCode.MODULE_NOT_FOUND);
        assertRefused(() -> twins.updateTwin(HUB, TwinKey.module("nobody", "m"), Json.tree("{}"), null, false),
                HubErrorCode.MODULE_NOT_FOUND);
    }
}
