package dev.muster.hub;

import static dev.muster.core.testing.JsonAssert.assertJson;
import static dev.muster.core.testing.Sas.encodeUpper;
import static dev.muster.core.testing.Sas.signature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.SymmetricKeyAttestation;
import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.X509Thumbprint;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BuiltInHubTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2025-04-01T09:00:00Z");

    private record Push(String hub, String deviceId, ObjectNode patch) {}

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore store = new InMemoryStore();
    private final BuiltInHub builtIn = BuiltInHub.create(store, clock);
    private final List<Push> pushes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        builtIn.twins().addTwinListener((hub, deviceId, patch) -> pushes.add(new Push(hub, deviceId, patch.deepCopy())));
    }

    private static void assertRefused(ThrowingCallable call, HubErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(HubError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private HubDevice create(String deviceId) {
        return builtIn.devices().putDevice(HUB, HubDevice.of(deviceId, null, null), null);
    }

    private ObjectNode twin(String deviceId) {
        return builtIn.twins().twinJson(HUB, deviceId).orElseThrow();
    }

    private static JsonNode desired(ObjectNode twin) {
        return twin.path("properties").path("desired");
    }

    private ObjectNode patchDesired(String deviceId, String desiredJson) {
        return builtIn.twins().patchTwin(HUB, deviceId, Json.tree("{\"properties\":{\"desired\":" + desiredJson + "}}"), null);
    }

    // ---- builtIn -------------------------------------------------------------------------------------------

    @Test
    void putDeviceGeneratesSixtyFourByteKeysForASasDeviceWithoutKeys() {
        HubDevice d = create("dev1");

        SymmetricKeyAttestation keys = d.authentication().symmetricKey();
        assertThat(d.authentication().type()).isEqualTo("sas");
        assertThat(Base64.getDecoder().decode(keys.primaryKey())).hasSize(64);
        assertThat(Base64.getDecoder().decode(keys.secondaryKey())).hasSize(64);
        assertThat(keys.primaryKey()).isNotEqualTo(keys.secondaryKey());
    }

    @Test
    void putDeviceFillsInTheServerFields() {
        HubDevice d = create("dev1");

        assertThat(d.generationId()).isNotBlank();
        assertThat(d.etag()).isNotBlank();
        assertThat(d.status()).isEqualTo("enabled");
        assertThat(d.connectionState()).isEqualTo("Disconnected");
        assertThat(d.statusUpdatedTime()).isEqualTo("2025-04-01T09:00:00.0000000Z");
        assertThat(d.cloudToDeviceMessageCount()).isZero();
        assertThat(d.capabilities()).isEqualTo(DeviceCapabilities.NONE);
        assertThat(builtIn.devices().device(HUB, "dev1")).contains(d);
    }

    @Test
    void putDeviceKeepsTheKeysItIsGiven() {
        String p = Ids.symmetricKey();
        String s = Ids.symmetricKey();

        HubDevice d = builtIn.devices().putDevice(HUB, HubDevice.of("dev1", AuthenticationMechanism.sas(p, s), null), null);

        assertThat(d.authentication().symmetricKey()).isEqualTo(new SymmetricKeyAttestation(p, s));
    }

    @Test
    void putDeviceCreatesAnEmptyTwinAtVersionOne() {
        create("dev1");

        ObjectNode t = twin("dev1");
        assertThat(t.get("deviceId").asText()).isEqualTo("dev1");
        assertThat(t.get("tags")).isEqualTo(Json.object());
        assertThat(desired(t).get("$version").asLong()).isEqualTo(1);
        assertThat(t.path("properties").path("reported").get("$version").asLong()).isEqualTo(1);
    }

    @Test
    void updateKeepsTheGenerationIdAndChangesTheEtag() {
        HubDevice created = create("dev1");
        clock.advance(Duration.ofMinutes(1));

        HubDevice updated = builtIn.devices().putDevice(HUB, new HubDevice("dev1", null, null, "disabled", null, null, null, null,
                null, created.authentication(), new DeviceCapabilities(true), null, null, null), created.etag());

        assertThat(updated.generationId()).isEqualTo(created.generationId());
        assertThat(updated.etag()).isNotEqualTo(created.etag());
        assertThat(updated.status()).isEqualTo("disabled");
        assertThat(updated.statusUpdatedTime()).isEqualTo("2025-04-01T09:01:00.0000000Z");
        assertThat(updated.capabilities().iotEdge()).isTrue();
        assertThat(builtIn.devices().device(HUB, "dev1")).contains(updated);
    }

    @Test
    void updateWithAStaleIfMatchIsRefusedWith412() {
        HubDevice created = create("dev1");
        builtIn.devices().putDevice(HUB, HubDevice.of("dev1", created.authentication(), null), "*");

        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("dev1", created.authentication(), null),
                created.etag()), HubErrorCode.PRECONDITION_FAILED);
    }

    @Test
    void conditionalPutOfAMissingDeviceIs404() {
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("ghost", null, null), Ids.etag()), HubErrorCode.DEVICE_NOT_FOUND);
        assertThat(builtIn.devices().device(HUB, "ghost")).isEmpty();
    }

    @Test
    void refusesAnInvalidDeviceIdStatusOrKey() {
        assertRefused(() -> create("bad/id"), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> builtIn.devices().putDevice(HUB, new HubDevice("dev1", null, null, "paused", null, null, null, null,
                null, null, null, null, null, null), null), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> builtIn.devices().putDevice(HUB, HubDevice.of("dev1",
                AuthenticationMechanism.sas("c2hvcnQ=", null), null), null), HubErrorCode.ARGUMENT_INVALID);
        assertThat(builtIn.devices().device(HUB, "dev1")).isEmpty();
    }

    @Test
    void deviceIdsAreCaseSensitive() {
        create("Dev1");
        create("dev1");

        assertThat(store.deviceIds(HUB)).containsExactly("Dev1", "dev1");
        assertThat(builtIn.devices().device(HUB, "DEV1")).isEmpty();
    }

    @Test
    void deleteRemovesDeviceAndTwinAndHonoursIfMatch() {
        HubDevice d = create("dev1");

        assertRefused(() -> builtIn.devices().deleteDevice(HUB, "dev1", Ids.etag()), HubErrorCode.PRECONDITION_FAILED);
        assertThat(builtIn.devices().deleteDevice(HUB, "dev1", "\"" + d.etag() + "\"")).isTrue();
        assertThat(builtIn.devices().device(HUB, "dev1")).isEmpty();
        assertThat(builtIn.twins().twinJson(HUB, "dev1")).isEmpty();
        assertThat(builtIn.devices().deleteDevice(HUB, "dev1", null)).isFalse();
    }

    /** The Python registry manager sends If-Match: "*" whenever it has no etag. */
    @Test
    void aQuotedWildcardIfMatchIsUnconditionalForTwinsAndDevices() {
        HubDevice d = create("dev1");
        assertThat(builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"a\":1}}"), "\"*\"")).isNotNull();
        assertThat(builtIn.devices().putDevice(HUB, d, "\"*\"")).isNotNull();
        assertThat(builtIn.devices().deleteDevice(HUB, "dev1", "\"*\"")).isTrue();
    }

    // ---- twin patches ---------------------------------------------------------------------------------------

    @Test
    void patchMergesNestedObjectsAndNullDeletes() {
        create("dev1");
        builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"site\":{\"building\":\"A\",\"floor\":2},\"owner\":\"ops\"},"
                + "\"properties\":{\"desired\":{\"telemetry\":{\"interval\":30,\"unit\":\"s\"},\"mode\":\"eco\"}}}"), null);

        ObjectNode t = builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"site\":{\"floor\":3},\"owner\":null},"
                + "\"properties\":{\"desired\":{\"telemetry\":{\"unit\":null,\"batch\":5},\"mode\":null}}}"), null);

        assertJson(t.get("tags"), "{\"site\":{\"building\":\"A\",\"floor\":3}}");
        assertJson(desired(t), "{\"telemetry\":{\"interval\":30,\"batch\":5},\"$version\":3}");
        assertThat(twin("dev1").get("tags")).isEqualTo(t.get("tags"));
    }

    @Test
    void patchIgnoresDollarFields() {
        create("dev1");

        ObjectNode t = patchDesired("dev1", "{\"$version\":99,\"$metadata\":{\"x\":1},\"fan\":{\"$x\":1,\"on\":true}}");

        assertJson(desired(t), "{\"fan\":{\"on\":true},\"$version\":2}");
    }

    @Test
    void patchReplacesArraysAndScalarsWholesale() {
        create("dev1");
        patchDesired("dev1", "{\"list\":[1,2,3],\"obj\":{\"a\":1}}");

        ObjectNode t = patchDesired("dev1", "{\"list\":[4],\"obj\":7}");

        assertJson(desired(t), "{\"list\":[4],\"obj\":7,\"$version\":3}");
    }

    @Test
    void desiredVersionIncrementsOnlyWhenDesiredChanges() {
        create("dev1");
        assertThat(desired(patchDesired("dev1", "{\"a\":1}")).get("$version").asLong()).isEqualTo(2);

        ObjectNode same = patchDesired("dev1", "{\"a\":1}");
        ObjectNode tagsOnly = builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"t\":1}}"), null);
        ObjectNode deleteMissing = patchDesired("dev1", "{\"nothing\":null}");
        ObjectNode changed = patchDesired("dev1", "{\"a\":2}");

        assertThat(desired(same).get("$version").asLong()).isEqualTo(2);
        assertThat(desired(tagsOnly).get("$version").asLong()).isEqualTo(2);
        assertThat(desired(deleteMissing).get("$version").asLong()).isEqualTo(2);
        assertThat(desired(changed).get("$version").asLong()).isEqualTo(3);
        assertThat(changed.get("version").asLong()).isGreaterThan(tagsOnly.get("version").asLong());
    }

    @Test
    void listenersReceiveTheDesiredPatchWithItsVersion() {
        create("dev1");

        patchDesired("dev1", "{\"interval\":30,\"$version\":77}");

        assertThat(pushes).hasSize(1);
        assertThat(pushes.get(0).hub()).isEqualTo(HUB);
        assertThat(pushes.get(0).deviceId()).isEqualTo("dev1");
        assertJson(pushes.get(0).patch(), "{\"interval\":30,\"$version\":2}");
    }

    @Test
    void listenersReceiveExplicitNullsForDeletedProperties() {
        create("dev1");
        patchDesired("dev1", "{\"a\":1,\"b\":2}");

        patchDesired("dev1", "{\"a\":null,\"c\":3}");

        assertJson(pushes.get(1).patch(), "{\"a\":null,\"c\":3,\"$version\":3}");
    }

    @Test
    void listenersReceiveExplicitNullsForDeletedNestedProperties() {
        create("dev1");
        patchDesired("dev1", "{\"fan\":{\"speed\":3,\"on\":true}}");

        patchDesired("dev1", "{\"fan\":{\"speed\":null}}");

        assertJson(desired(twin("dev1")), "{\"fan\":{\"on\":true},\"$version\":3}");
        // Applied as a merge patch, the push must delete fan.speed on the device too.
        assertJson(pushes.get(1).patch(), "{\"fan\":{\"speed\":null},\"$version\":3}");
    }

    @Test
    void listenersAreNotCalledWhenDesiredDoesNotChange() {
        create("dev1");
        patchDesired("dev1", "{\"a\":1}");

        patchDesired("dev1", "{\"a\":1}");
        builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"x\":1}}"), null);
        builtIn.twins().patchReported(HUB, "dev1", Json.tree("{\"r\":1}"));

        assertThat(pushes).hasSize(1);
    }

    @Test
    void removedListenersAreNotCalled() {
        create("dev1");
        List<ObjectNode> seen = new ArrayList<>();
        TwinListener l = (hub, id, patch) -> seen.add(patch);
        builtIn.twins().addTwinListener(l);
        builtIn.twins().removeTwinListener(l);

        patchDesired("dev1", "{\"a\":1}");

        assertThat(seen).isEmpty();
        assertThat(pushes).hasSize(1);
    }

    @Test
    void patchWithAStaleTwinEtagIsRefusedWith412() {
        create("dev1");
        String etag = twin("dev1").get("etag").asText();
        patchDesired("dev1", "{\"a\":1}");

        assertRefused(() -> builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"x\":1}}"), etag), HubErrorCode.PRECONDITION_FAILED);
    }

    @Test
    void patchRefusesNonObjectTagsOrDesiredAndAMissingTwin() {
        create("dev1");

        assertRefused(() -> builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":[1]}"), null), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> patchDesired("dev1", "\"x\""), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> builtIn.twins().patchTwin(HUB, "dev1", Json.tree("[]"), null), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> patchDesired("ghost", "{\"a\":1}"), HubErrorCode.DEVICE_NOT_FOUND);
    }

    // ---- replace --------------------------------------------------------------------------------------------

    @Test
    void replaceTwinReplacesTagsAndDesiredAndPushesTheWholeDesiredDocument() {
        create("dev1");
        builtIn.twins().patchTwin(HUB, "dev1", Json.tree("{\"tags\":{\"old\":1},\"properties\":{\"desired\":{\"a\":1,\"b\":2}}}"),
                null);

        ObjectNode t = builtIn.twins().replaceTwin(HUB, "dev1", Json.tree("{\"tags\":{\"new\":2},\"properties\":{\"desired\":"
                + "{\"b\":3,\"$version\":50,\"gone\":null}}}"), null);

        assertJson(t.get("tags"), "{\"new\":2}");
        assertJson(desired(t), "{\"b\":3,\"$version\":3}");
        assertJson(pushes.get(pushes.size() - 1).patch(), "{\"b\":3,\"$version\":3}");
    }

    @Test
    void replaceTwinWithTheSameDesiredKeepsTheDesiredVersion() {
        create("dev1");
        patchDesired("dev1", "{\"a\":1}");

        ObjectNode t = builtIn.twins().replaceTwin(HUB, "dev1", Json.tree("{\"tags\":{\"x\":1},\"properties\":{\"desired\":"
                + "{\"a\":1}}}"), null);

        assertThat(desired(t).get("$version").asLong()).isEqualTo(2);
        assertThat(pushes).hasSize(1);
    }

    @Test
    void replaceTwinWithoutPropertiesClearsDesired() {
        create("dev1");
        patchDesired("dev1", "{\"a\":1}");

        ObjectNode t = builtIn.twins().replaceTwin(HUB, "dev1", Json.tree("{\"tags\":{}}"), null);

        assertJson(desired(t), "{\"$version\":3}");
    }

    // ---- reported -------------------------------------------------------------------------------------------

    @Test
    void patchReportedIncrementsTheReportedVersionAndLeavesDesiredAlone() {
        create("dev1");
        patchDesired("dev1", "{\"a\":1}");

        long v1 = builtIn.twins().patchReported(HUB, "dev1", Json.tree("{\"fw\":\"1.0\",\"temp\":{\"c\":20}}"));
        long v2 = builtIn.twins().patchReported(HUB, "dev1", Json.tree("{\"temp\":{\"c\":null,\"f\":70}}"));

        assertThat(v1).isEqualTo(2);
        assertThat(v2).isEqualTo(3);
        ObjectNode t = twin("dev1");
        assertJson(t.path("properties").get("reported"), "{\"fw\":\"1.0\",\"temp\":{\"f\":70},\"$version\":3}");
        assertJson(desired(t), "{\"a\":1,\"$version\":2}");
        assertJson(builtIn.twins().deviceTwinDocument(HUB, "dev1").orElseThrow(), "{\"desired\":{\"a\":1,\"$version\":2},\"reported\":{\"fw\":\"1.0\","
                        + "\"temp\":{\"f\":70},\"$version\":3}}");
    }

    @Test
    void patchReportedRefusesANonObjectAndAMissingTwin() {
        create("dev1");

        assertRefused(() -> builtIn.twins().patchReported(HUB, "dev1", Json.tree("[1]")), HubErrorCode.ARGUMENT_INVALID);
        assertRefused(() -> builtIn.twins().patchReported(HUB, "ghost", Json.tree("{}")), HubErrorCode.DEVICE_NOT_FOUND);
    }

    // ---- device authentication ------------------------------------------------------------------------------

    private String deviceToken(String deviceId, String key, long expiry) {
        String sr = HUB + "/devices/" + deviceId;
        // Java device SDK order: sig, se, sr (reference §4.4)
        return "SharedAccessSignature sig=" + encodeUpper(signature(key, sr + "\n" + expiry)) + "&se=" + expiry + "&sr=" + sr;
    }

    private long later() {
        return T0.getEpochSecond() + 3600;
    }

    @Test
    void authenticateDeviceAcceptsAValidTokenWithEitherKey() {
        HubDevice d = create("dev1");

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1",
                deviceToken("dev1", d.authentication().symmetricKey().primaryKey(), later()))).isEmpty();
        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1",
                deviceToken("dev1", d.authentication().symmetricKey().secondaryKey(), later()))).isEmpty();
    }

    @Test
    void authenticateDeviceRefusesAWrongKey() {
        create("dev1");

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1", deviceToken("dev1", Ids.symmetricKey(), later())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("signature"));
    }

    @Test
    void authenticateDeviceRefusesAnExpiredToken() {
        HubDevice d = create("dev1");

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1",
                deviceToken("dev1", d.authentication().symmetricKey().primaryKey(), T0.getEpochSecond() - 1)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("expired"));
    }

    @Test
    void authenticateDeviceRefusesATokenForAnotherDevice() {
        HubDevice d = create("dev1");
        create("dev2");

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev2",
                deviceToken("dev1", d.authentication().symmetricKey().primaryKey(), later())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("resource"));
    }

    @Test
    void authenticateDeviceRefusesADisabledDevice() {
        HubDevice d = create("dev1");
        builtIn.devices().putDevice(HUB, new HubDevice("dev1", null, null, "disabled", null, null, null, null, null,
                d.authentication(), null, null, null, null), null);

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1",
                deviceToken("dev1", d.authentication().symmetricKey().primaryKey(), later())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("disabled"));
    }

    @Test
    void authenticateDeviceRefusesAnUnknownDevice() {
        assertThat(builtIn.authentication().authenticateDevice(HUB, "ghost", deviceToken("ghost", Ids.symmetricKey(), later())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("ghost").contains("not registered"));
    }

    @Test
    void authenticateDeviceRefusesAMalformedToken() {
        create("dev1");

        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1", "hunter2"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("SharedAccessSignature"));
        assertThat(builtIn.authentication().authenticateDevice(HUB, "dev1", null)).isPresent();
    }

    @Test
    void authenticateDeviceRefusesAnX509Device() {
        builtIn.devices().putDevice(HUB, HubDevice.of("cert-dev", new AuthenticationMechanism(
                AuthenticationMechanism.SELF_SIGNED, null, new X509Thumbprint("AB12", null)), null), null);

        assertThat(builtIn.authentication().authenticateDevice(HUB, "cert-dev", deviceToken("cert-dev", Ids.symmetricKey(), later())))
                .hasValueSatisfying(reason -> assertThat(reason).contains("SAS"));
    }

    // ---- hubs and telemetry ---------------------------------------------------------------------------------

    @Test
    void findsBuiltInHubsByHostNameCaseInsensitively() {
        assertThat(builtIn.devices().hub("HUB-ONE.muster.test")).map(BuiltInHubConfig::hostName).contains(HUB);
        assertThat(builtIn.devices().hub("other.muster.test")).isEmpty();
        assertThat(builtIn.devices().hubs()).hasSize(1);
    }

    @Test
    void telemetryListenersReceiveMessages() {
        List<TelemetryMessage> got = new ArrayList<>();
        builtIn.telemetry().addTelemetryListener(got::add);
        TelemetryMessage m = new TelemetryMessage(HUB, "dev1", null, T0,
                new dev.muster.core.hub.events.EventContent(new byte[] {1}, java.util.Map.of("k", "v"), null));

        builtIn.telemetry().telemetryReceived(m);

        assertThat(got).containsExactly(m);
    }

    // ---- one-step creation (the registration path) ----------------------------------------------------------

    /** The twin without what differs between any two writes (etags). */
    private static ObjectNode comparable(ObjectNode twin) {
        ObjectNode copy = twin.deepCopy();
        copy.remove("etag");
        copy.remove("deviceEtag");
        copy.remove("generationId");
        return copy;
    }

    @Test
    void createDeviceWithInitialTwinEqualsPutThenPatch() {
        String initial = "{\"tags\":{\"site\":\"lab\",\"gone\":null},\"properties\":{\"desired\":{\"interval\":30,"
                + "\"nested\":{\"a\":1}}}}";
        builtIn.devices().putDevice(HUB, HubDevice.of("two-steps", null, null), null);
        builtIn.twins().patchTwin(HUB, "two-steps", Json.tree(initial), null);
        pushes.clear();

        assertThat(builtIn.devices().createDevice(HUB, HubDevice.of("one-step", null, null), Json.tree(initial))).isPresent();

        ObjectNode twoSteps = comparable(twin("two-steps"));
        ObjectNode oneStep = comparable(twin("one-step"));
        twoSteps.put("deviceId", "one-step");
        assertThat(oneStep).isEqualTo(twoSteps);
        assertThat(desired(oneStep).path("$version").asLong()).isEqualTo(2);
        assertThat(pushes).isEmpty();
    }

    @Test
    void createDeviceWithOnlyTagsOrNothingCountsVersionsLikeThePatch() {
        builtIn.devices().createDevice(HUB, HubDevice.of("tags-only", null, null), Json.tree("{\"tags\":{\"a\":1}}"));
        builtIn.devices().createDevice(HUB, HubDevice.of("bare", null, null), null);

        assertThat(twin("tags-only").path("version").asLong()).isEqualTo(2);
        assertThat(desired(twin("tags-only")).path("$version").asLong()).isEqualTo(1);
        assertThat(twin("bare").path("version").asLong()).isEqualTo(1);
        assertThat(twin("bare").path("tags").size()).isZero();
    }

    @Test
    void createDeviceLeavesAnExistingDeviceAlone() {
        HubDevice first = create("dev1");
        patchDesired("dev1", "{\"keep\":true}");

        assertThat(builtIn.devices().createDevice(HUB, HubDevice.of("dev1", null, null), Json.tree("{\"tags\":{\"x\":1}}")))
                .isEmpty();

        assertThat(builtIn.devices().device(HUB, "dev1").orElseThrow().etag()).isEqualTo(first.etag());
        assertThat(desired(twin("dev1")).path("keep").asBoolean()).isTrue();
        assertThat(twin("dev1").path("tags").has("x")).isFalse();
    }
}
