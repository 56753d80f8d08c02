package dev.muster.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.CustomAllocationDefinition;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.ReprovisionPolicy;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Policy precedence, candidate sets, hashed, geoLatency and static; custom has its own test. */
class HubSelectorTest {
    static final String A = "hub-a.muster.test";
    static final String B = "hub-b.muster.test";
    static final String C = "hub-c.muster.test";

    private final Map<String, Double> latency = new HashMap<>();
    private final HubLatencies latencies = host -> {
        Double ms = latency.get(host.toLowerCase(Locale.ROOT));
        return ms == null ? OptionalDouble.empty() : OptionalDouble.of(ms);
    };
    private final HubSelector selector = new HubSelector(latencies, AllocationWebhook.NONE);
    private final HubAllocator allocator = new HubAllocator();

    static LinkedHub hub(String host, int weight, boolean applyAllocationPolicy) {
        return new LinkedHub(host, "HostName=" + host + ";SharedAccessKeyName=iothubowner;SharedAccessKey=a2V5",
                weight, applyAllocationPolicy);
    }

    static final List<LinkedHub> THREE = List.of(hub(A, 1, true), hub(B, 1, true), hub(C, 1, true));

    static IndividualEnrollment enrollment(String id, String policy, List<String> hubs, CustomAllocationDefinition custom) {
        return new IndividualEnrollment(id, null, null, null, AttestationMechanism.symmetricKey("cHJpbWFyeQ==",
                "c2Vjb25kYXJ5"), DeviceCapabilities.NONE, null, null, "\"etag\"", "enabled", ReprovisionPolicy.DEFAULT,
                "2025-06-01T10:00:00.0000000Z", "2025-06-01T10:00:00.0000000Z", policy, hubs, custom);
    }

    private Allocation select(String instancePolicy, IndividualEnrollment e, List<LinkedHub> linked) throws AllocationFailure {
        return selector.select(new AllocationContext(instancePolicy, e, e.registrationId(), null, null, linked));
    }

    private String hubFor(String instancePolicy, IndividualEnrollment e, List<LinkedHub> linked) throws AllocationFailure {
        return select(instancePolicy, e, linked).hub().hostName();
    }

    private static AllocationFailure failure(ThrowingSelect call) {
        try {
            call.run();
        } catch (AllocationFailure f) {
            return f;
        }
        throw new AssertionError("expected an AllocationFailure");
    }

    interface ThrowingSelect {
        void run() throws AllocationFailure;
    }

    // ---- policy names and precedence ------------------------------------------------------------------------

    @Test
    void parsesPolicyNamesCaseInsensitivelyAndDefaultsToHashed() {
        assertThat(AllocationPolicy.parse("GeoLatency")).contains(AllocationPolicy.GEO_LATENCY);
        assertThat(AllocationPolicy.parse("STATIC")).contains(AllocationPolicy.STATIC);
        assertThat(AllocationPolicy.parse("nearest")).isEmpty();
        assertThat(AllocationPolicy.effective(null, null)).isEqualTo(AllocationPolicy.HASHED);
        assertThat(AllocationPolicy.effective("geoLatency", null)).isEqualTo(AllocationPolicy.GEO_LATENCY);
        assertThat(AllocationPolicy.effective("geoLatency", "")).isEqualTo(AllocationPolicy.GEO_LATENCY);
        assertThat(AllocationPolicy.effective("geoLatency", "hashed")).isEqualTo(AllocationPolicy.HASHED);
        assertThat(AllocationPolicy.GEO_LATENCY.wireName()).isEqualTo("geoLatency");
    }

    @Test
    void theInstanceDefaultAppliesWhenTheEnrollmentNamesNoPolicy() throws Exception {
        latency.put(B, 3.0);
        latency.put(A, 40.0);
        latency.put(C, 80.0);
        for (int i = 0; i < 20; i++) {
            Allocation a = select("geoLatency", enrollment("dev" + i, null, null, null), THREE);
            assertThat(a.policy()).isEqualTo(AllocationPolicy.GEO_LATENCY);
            assertThat(a.hub().hostName()).isEqualTo(B);
        }
    }

    @Test
    void theEnrollmentsPolicyOverridesTheInstanceDefault() throws Exception {
        latency.put(B, 3.0);
        latency.put(A, 40.0);
        latency.put(C, 80.0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            IndividualEnrollment e = enrollment("dev" + i, "hashed", null, null);
            Allocation a = select("geoLatency", e, THREE);
            assertThat(a.policy()).isEqualTo(AllocationPolicy.HASHED);
            assertThat(a.hub()).isEqualTo(allocator.hashed(e.registrationId(), THREE).orElseThrow());
            seen.add(a.hub().hostName());
        }
        assertThat(seen).as("hashing spreads, latency is ignored").containsExactlyInAnyOrder(A, B, C);

        IndividualEnrollment geo = enrollment("geo-dev", "geoLatency", null, null);
        assertThat(hubFor("hashed", geo, THREE)).isEqualTo(B);
    }

    // ---- candidates (iotHubs) -------------------------------------------------------------------------------

    @Test
    void iotHubsRestrictsTheCandidatesForEveryAutomaticPolicy() throws Exception {
        latency.put(A, 1.0);
        latency.put(B, 50.0);
        latency.put(C, 60.0);
        for (int i = 0; i < 40; i++) {
            assertThat(hubFor("hashed", enrollment("dev" + i, null, List.of(B, C.toUpperCase(Locale.ROOT)), null), THREE))
                    .isIn(B, C);
        }
        assertThat(hubFor("geoLatency", enrollment("dev", null, List.of(B, C), null), THREE))
                .as("the nearest hub is not allowed, so the nearest allowed one wins").isEqualTo(B);
    }

    @Test
    void withoutIotHubsOnlyHubsThatApplyTheAllocationPolicyAreCandidates() throws Exception {
        List<LinkedHub> linked = List.of(hub(A, 1, true), hub(B, 1, false));
        for (int i = 0; i < 40; i++) {
            assertThat(hubFor("hashed", enrollment("dev" + i, null, null, null), linked)).isEqualTo(A);
        }
        assertThat(hubFor("hashed", enrollment("dev", null, List.of(B), null), linked))
                .as("naming it includes it anyway").isEqualTo(B);
    }

    @Test
    void noCandidateOrOnlyWeightZeroFailsWith400208() {
        AllocationFailure none = failure(() -> select("hashed", enrollment("dev", null, null, null),
                List.of(hub(A, 1, false))));
        assertThat(none.errorCode()).isEqualTo(400208);
        assertThat(none.detail()).contains("no linked hub");

        AllocationFailure drained = failure(() -> select("geoLatency", enrollment("dev", null, null, null),
                List.of(hub(A, 0, true))));
        assertThat(drained.errorCode()).isEqualTo(400208);
        assertThat(drained.detail()).contains("weight 0").contains("geoLatency");
    }

    // ---- geoLatency ------------------------------------------------------------------------------------------

    @Test
    void geoLatencyPicksTheLowestInjectedLatency() throws Exception {
        latency.put(A, 25.0);
        latency.put(B, 7.5);
        latency.put(C, 12.0);
        for (int i = 0; i < 30; i++) {
            assertThat(hubFor("geoLatency", enrollment("dev" + i, null, null, null), THREE)).isEqualTo(B);
        }
        latency.put(C, 2.0);
        assertThat(hubFor("geoLatency", enrollment("dev", null, null, null), THREE)).as("follows the measurements")
                .isEqualTo(C);
    }

    @Test
    void geoLatencyHashesTiesWithinTheTolerance() throws Exception {
        latency.put(A, 10.0);
        latency.put(B, 10.0 + HubSelector.LATENCY_TIE_MILLIS / 2);
        latency.put(C, 10.0 + HubSelector.LATENCY_TIE_MILLIS * 3);
        List<LinkedHub> tied = List.of(THREE.get(0), THREE.get(1));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String id = "dev" + i;
            String chosen = hubFor("geoLatency", enrollment(id, null, null, null), THREE);
            assertThat(chosen).as("the same as hashing over the tied hubs")
                    .isEqualTo(allocator.hashed(id, tied).orElseThrow().hostName());
            assertThat(hubFor("geoLatency", enrollment(id, null, null, null), THREE)).as("stable").isEqualTo(chosen);
            seen.add(chosen);
        }
        assertThat(seen).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void geoLatencySortsUnknownLatenciesLast() throws Exception {
        latency.put(C, 900.0);   // slow, but measured: beats the unknown ones
        for (int i = 0; i < 30; i++) {
            assertThat(hubFor("geoLatency", enrollment("dev" + i, null, null, null), THREE)).isEqualTo(C);
        }
    }

    @Test
    void geoLatencyWithNothingMeasuredHashesOverAllCandidates() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            String id = "dev" + i;
            String chosen = hubFor("geoLatency", enrollment(id, null, null, null), THREE);
            assertThat(chosen).isEqualTo(allocator.hashed(id, THREE).orElseThrow().hostName());
            seen.add(chosen);
        }
        assertThat(seen).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void geoLatencyIgnoresDrainedHubsAndNonsenseMeasurements() throws Exception {
        latency.put(A, 1.0);
        latency.put(B, Double.NaN);
        latency.put(C, 30.0);
        List<LinkedHub> linked = List.of(hub(A, 0, true), hub(B, 1, true), hub(C, 1, true));
        assertThat(hubFor("geoLatency", enrollment("dev", null, null, null), linked)).isEqualTo(C);
    }

    // ---- static ----------------------------------------------------------------------------------------------

    @Test
    void staticUsesTheOneNamedHubWhateverItsWeight() throws Exception {
        List<LinkedHub> linked = List.of(hub(A, 1, true), hub(B, 0, false), hub(C, 1, true));
        for (int i = 0; i < 30; i++) {
            Allocation a = select("hashed", enrollment("dev" + i, "static", List.of(B.toUpperCase(Locale.ROOT)), null),
                    linked);
            assertThat(a.hub().hostName()).isEqualTo(B);
            assertThat(a.policy()).isEqualTo(AllocationPolicy.STATIC);
        }
    }

    @Test
    void staticAsInstanceDefaultNeedsExactlyOneHubOnTheEnrollment() {
        AllocationFailure none = failure(() -> select("static", enrollment("dev", null, null, null), THREE));
        assertThat(none.errorCode()).isEqualTo(400208);
        assertThat(none.getMessage()).contains("exactly one IoT hub").contains("lists 0")
                .contains("provisioning service's default");

        AllocationFailure two = failure(() -> select("static", enrollment("dev", null, List.of(A, B), null), THREE));
        assertThat(two.getMessage()).contains("lists 2").contains(A).contains(B);
    }

    @Test
    void staticWithAHubUnlinkedSinceEnrollmentFailsNamingIt() {
        AllocationFailure f = failure(() -> select("hashed", enrollment("dev", "static", List.of("gone.muster.test"), null),
                THREE));
        assertThat(f.errorCode()).isEqualTo(400208);
        assertThat(f.getMessage()).contains("'gone.muster.test'").contains("not linked");
    }

    @Test
    void candidatesWorkForGroupsToo() throws Exception {
        EnrollmentGroup g = new EnrollmentGroup("grp", AttestationMechanism.symmetricKey("cHJpbWFyeQ==", "c2Vjb25kYXJ5"),
                DeviceCapabilities.NONE, null, null, "\"e\"", "enabled", ReprovisionPolicy.DEFAULT, null, null, "static",
                List.of(C), null);
        assertThat(selector.select(new AllocationContext("hashed", g, "grp-dev-1", null, null, THREE)).hub().hostName())
                .isEqualTo(C);
        assertThatThrownBy(() -> selector.select(new AllocationContext("static",
                new EnrollmentGroup("grp2", g.attestation(), null, null, null, null, null, null, null, null, null,
                        null, null), "d", null, null, THREE)))
                .isInstanceOf(AllocationFailure.class).hasMessageContaining("enrollment group 'grp2'");
    }
}
