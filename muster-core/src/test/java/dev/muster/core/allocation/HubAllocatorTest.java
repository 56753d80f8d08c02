package dev.muster.core.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muster.core.instance.LinkedHub;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HubAllocatorTest {
    private static final int DEVICES = 10_000;

    private final HubAllocator allocator = new HubAllocator();

    private static LinkedHub hub(String host, int weight) {
        return new LinkedHub(host, "HostName=" + host + ";SharedAccessKeyName=iothubowner;SharedAccessKey=x", weight, true);
    }

    private static List<String> ids() {
        return IntStream.range(0, DEVICES).mapToObj(i -> "device-" + i).toList();
    }

    private Map<String, String> assign(List<LinkedHub> hubs) {
        Map<String, String> out = new HashMap<>();
        for (String id : ids()) {
            out.put(id, allocator.hashed(id, hubs).orElseThrow().hostName());
        }
        return out;
    }

    private static Map<String, Integer> counts(Map<String, String> assignment) {
        Map<String, Integer> counts = new HashMap<>();
        assignment.values().forEach(h -> counts.merge(h, 1, Integer::sum));
        return counts;
    }

    @Test
    void isDeterministic() {
        List<LinkedHub> hubs = List.of(hub("a.hub", 1), hub("b.hub", 2), hub("c.hub", 1));

        assertThat(assign(hubs)).isEqualTo(assign(hubs));
        assertThat(new HubAllocator().hashed("dev1", hubs)).isEqualTo(allocator.hashed("dev1", hubs));
    }

    @Test
    void doesNotDependOnTheOrderOfTheHubList() {
        List<LinkedHub> hubs = List.of(hub("a.hub", 1), hub("b.hub", 2), hub("c.hub", 1));
        List<LinkedHub> reversed = new ArrayList<>(hubs);
        java.util.Collections.reverse(reversed);

        assertThat(assign(reversed)).isEqualTo(assign(hubs));
    }

    @Test
    void treatsRegistrationIdsAndHostNamesCaseInsensitively() {
        List<LinkedHub> lower = List.of(hub("a.hub", 1), hub("b.hub", 1), hub("c.hub", 1));
        List<LinkedHub> upper = List.of(hub("A.HUB", 1), hub("B.Hub", 1), hub("c.HUB", 1));

        for (String id : List.of("dev1", "device-77", "x:y:z")) {
            assertThat(allocator.hashed(id.toUpperCase(), upper).orElseThrow().hostName())
                    .isEqualToIgnoringCase(allocator.hashed(id, lower).orElseThrow().hostName());
        }
    }

    @Test
    void splitsEvenlyBetweenTwoEquallyWeightedHubs() {
        Map<String, Integer> counts = counts(assign(List.of(hub("a.hub", 1), hub("b.hub", 1))));

        assertThat(counts.get("a.hub") / (double) DEVICES).isCloseTo(0.50, within(0.03));
        assertThat(counts.get("b.hub") / (double) DEVICES).isCloseTo(0.50, within(0.03));
    }

    @Test
    void splitsOneToThreeByWeight() {
        Map<String, Integer> counts = counts(assign(List.of(hub("a.hub", 1), hub("b.hub", 3))));

        assertThat(counts.get("a.hub") / (double) DEVICES).isCloseTo(0.25, within(0.03));
        assertThat(counts.get("b.hub") / (double) DEVICES).isCloseTo(0.75, within(0.03));
    }

    @Test
    void splitsThreeEqualHubsInThirds() {
        Map<String, Integer> counts = counts(assign(List.of(hub("a.hub", 5), hub("b.hub", 5), hub("c.hub", 5))));

        for (String h : List.of("a.hub", "b.hub", "c.hub")) {
            assertThat(counts.get(h) / (double) DEVICES).isCloseTo(1 / 3.0, within(0.03));
        }
    }

    @Test
    void changingOneHubsWeightMovesDevicesOnlyToOrFromThatHub() {
        Map<String, String> before = assign(List.of(hub("a.hub", 1), hub("b.hub", 1), hub("c.hub", 1)));
        Map<String, String> heavier = assign(List.of(hub("a.hub", 1), hub("b.hub", 1), hub("c.hub", 4)));
        Map<String, String> lighter = assign(List.of(hub("a.hub", 1), hub("b.hub", 1), hub("c.hub", 0)));

        int movedToC = 0;
        for (String id : ids()) {
            String was = before.get(id);
            String now = heavier.get(id);
            if (!was.equals(now)) {
                assertThat(now).as("%s moved %s → %s", id, was, now).isEqualTo("c.hub");
                movedToC++;
            }
            if (!was.equals(lighter.get(id))) {
                assertThat(was).as("%s moved off %s although only c.hub changed", id, was).isEqualTo("c.hub");
            }
        }
        assertThat(movedToC).isPositive();
        assertThat(counts(heavier).get("c.hub") / (double) DEVICES).isCloseTo(4 / 6.0, within(0.03));
    }

    @Test
    void addingAHubOnlyTakesDevicesAndNeverSwapsBetweenTheOldOnes() {
        Map<String, String> before = assign(List.of(hub("a.hub", 1), hub("b.hub", 1)));
        Map<String, String> after = assign(List.of(hub("a.hub", 1), hub("b.hub", 1), hub("new.hub", 1)));

        for (String id : ids()) {
            if (!before.get(id).equals(after.get(id))) {
                assertThat(after.get(id)).isEqualTo("new.hub");
            }
        }
    }

    @Test
    void neverChoosesAHubOfWeightZero() {
        Map<String, Integer> counts = counts(assign(List.of(hub("a.hub", 1), hub("zero.hub", 0), hub("b.hub", 1))));

        assertThat(counts).doesNotContainKey("zero.hub");
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(DEVICES);
    }

    @Test
    void neverChoosesAHubOfNegativeWeight() {
        assertThat(allocator.hashed("dev1", List.of(hub("neg.hub", -5), hub("a.hub", 1))).orElseThrow().hostName())
                .isEqualTo("a.hub");
    }

    @Test
    void choosesNothingFromAnEmptyList() {
        assertThat(allocator.hashed("dev1", List.of())).isEmpty();
    }

    @Test
    void choosesNothingWhenEveryHubWeighsZero() {
        assertThat(allocator.hashed("dev1", List.of(hub("a.hub", 0), hub("b.hub", 0)))).isEmpty();
    }

    @Test
    void alwaysChoosesTheOnlyHub() {
        for (String id : ids().subList(0, 100)) {
            assertThat(allocator.hashed(id, List.of(hub("only.hub", 1))).orElseThrow().hostName()).isEqualTo("only.hub");
        }
    }

    @Test
    void mapsHashesIntoTheOpenUnitInterval() {
        for (int i = 0; i < 1000; i++) {
            assertThat(HubAllocator.unit("s" + i)).isGreaterThan(0.0).isLessThan(1.0);
        }
    }
}
