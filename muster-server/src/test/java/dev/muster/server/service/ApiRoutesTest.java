package dev.muster.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {
    private final List<RouteTemplate> routes = ApiRoutes.TABLE.templates();

    @Test
    void literalSegmentsMatchInAnyCaseAndParametersComeOutInOrder() {
        RouteTemplate t = RouteTemplate.parse("POST /registrations/{enrollmentGroupId}/query");
        List<String> actual = List.of("REGISTRATIONS", "Group One", "Query");
        assertThat(t.matchesPath(actual)).isTrue();
        assertThat(t.parameters(actual)).containsExactly("Group One");
        assertThat(t.matchesPath(List.of("registrations", "g"))).isFalse();
        assertThat(t.matchesPath(List.of("registrations", "g", "attempts"))).isFalse();
    }

    @Test
    void noRequestMatchesTwoRoutes() {
        // Dispatch takes the first match; overlapping routes would make the table's order matter.
        for (RouteTemplate a : routes) {
            for (RouteTemplate b : routes) {
                if (a != b && a.method().equals(b.method())) {
                    assertThat(a.matchesPath(b.segments())).as(a + " covers " + b).isFalse();
                }
            }
        }
    }

    @Test
    void theFrontDoorHandsOverEveryRootOfTheTableInAnyCase() {
        assertThat(routes).allSatisfy(r -> assertThat(ServiceHttpApi.servesRoot(r.root().toUpperCase())).isTrue());
        assertThat(ServiceHttpApi.servesRoot("enrollmentGroups")).isTrue();
        assertThat(ServiceHttpApi.servesRoot("0ne00000001")).isFalse();
        assertThat(ServiceHttpApi.servesRoot("portal")).isFalse();
        assertThat(ServiceHttpApi.servesRoot("health")).isFalse();
    }
}
