package dev.muster.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.WebhookEndpoint;
import dev.muster.core.testing.InMemoryRoutingStore;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoredRoutesRouterTest {
    private static final String HUB = "hub-r.example.net";
    private static final WebhookEndpoint HOOK = new WebhookEndpoint("alarms", URI.create("https://example.net/a"),
            Map.of("Authorization", "secret"), 3);
    private static final KafkaEndpoint KAFKA = new KafkaEndpoint("stream", "127.0.0.1:9092", "t", Map.of());
    private static final Route FALLBACK_OFF = new Route(HubRouting.FALLBACK_NAME, RouteSource.DEVICE_MESSAGES,
            "true", List.of("events"), false);

    private final RoutingStore store = new InMemoryRoutingStore();
    private final StoredRoutesRouter router = new StoredRoutesRouter(store, Duration.ofHours(1));
    private final RoutingService service = new RoutingService(store, router);

    @AfterEach
    void close() {
        router.close();
    }

    private static EventContent telemetry(String body, Map<String, String> app) {
        return new EventContent(body.getBytes(StandardCharsets.UTF_8), app, Map.of(
                SystemProperties.CONTENT_TYPE, "application/json", SystemProperties.CONTENT_ENCODING, "utf-8",
                SystemProperties.CONNECTION_DEVICE_ID, "d1", SystemProperties.MESSAGE_SOURCE,
                SystemProperties.SOURCE_TELEMETRY));
    }

    private static EventContent event(String source) {
        return new EventContent("{}".getBytes(StandardCharsets.UTF_8), Map.of(), Map.of(
                SystemProperties.MESSAGE_SOURCE, source, SystemProperties.CONTENT_TYPE, "application/json",
                SystemProperties.CONTENT_ENCODING, "utf-8"));
    }

    private static Route route(String name, RouteSource source, String condition, String endpoint) {
        return new Route(name, source, condition, List.of(endpoint), true);
    }

    private void save(List<Route> routes, Route fallback) {
        service.replace(HUB, new HubRouting(List.of(HOOK, KAFKA), routes, fallback), null);
    }

    @Test
    void aHubWithoutRoutesSendsTelemetryToTheBuiltInEndpointAndOtherEventsNowhere() {
        assertThat(router.decide(HUB, telemetry("{}", Map.of()))).isEqualTo(RouteDecision.BUILT_IN_ONLY);
        assertThat(router.decide(HUB, event(SystemProperties.SOURCE_TWIN_CHANGE)).builtInEvents()).isFalse();
        assertThat(router.decide(HUB, event(SystemProperties.SOURCE_DEVICE_LIFECYCLE)).customEndpoints()).isEmpty();
    }

    @Test
    void aMatchingRouteSendsToItsEndpointAndTheFallbackTakesOnlyWhatNoRouteMatched() {
        save(List.of(route("hot", RouteSource.DEVICE_MESSAGES, "$body.temperature > 30 AND kind = 'alarm'",
                "alarms")), HubRouting.DEFAULT_FALLBACK);
        RouteDecision hot = router.decide(HUB, telemetry("{\"temperature\":35}", Map.of("kind", "alarm")));
        assertThat(hot.builtInEvents()).isFalse();
        assertThat(hot.customEndpoints()).containsExactly(HOOK);
        assertThat(router.decide(HUB, telemetry("{\"temperature\":20}", Map.of("kind", "alarm"))))
                .isEqualTo(RouteDecision.BUILT_IN_ONLY);
    }

    @Test
    void withRoutesAndNoFallbackUnmatchedTelemetryIsDropped() {
        save(List.of(route("hot", RouteSource.DEVICE_MESSAGES, "$body.temperature > 30", "events")), FALLBACK_OFF);
        assertThat(router.decide(HUB, telemetry("{\"temperature\":35}", Map.of()))).isEqualTo(RouteDecision.BUILT_IN_ONLY);
        RouteDecision cold = router.decide(HUB, telemetry("{\"temperature\":3}", Map.of()));
        assertThat(cold.builtInEvents()).isFalse();
        assertThat(cold.customEndpoints()).isEmpty();
    }

    @Test
    void aMessageMatchingSeveralRoutesToOneEndpointGoesThereOnce() {
        save(List.of(route("a", RouteSource.DEVICE_MESSAGES, "true", "alarms"),
                route("b", RouteSource.DEVICE_MESSAGES, "kind = 'alarm'", "alarms"),
                route("c", RouteSource.DEVICE_MESSAGES, "kind = 'alarm'", "events"),
                route("d", RouteSource.DEVICE_MESSAGES, "kind = 'alarm'", "stream")), HubRouting.DEFAULT_FALLBACK);
        RouteMatch m = service.test(HUB, telemetry("{}", Map.of("kind", "alarm")));
        assertThat(m.matched()).extracting(Route::name).containsExactly("a", "b", "c", "d");
        assertThat(m.fallback()).isFalse();
        assertThat(m.decision().builtInEvents()).isTrue();
        assertThat(m.decision().customEndpoints()).containsExactly(HOOK, KAFKA);
    }

    @Test
    void routesOnlyTakeMessagesOfTheirSourceAndEventsNeverTakeTheFallback() {
        save(List.of(route("twins", RouteSource.TWIN_CHANGE_EVENTS, "true", "stream"),
                route("life", RouteSource.DEVICE_LIFECYCLE_EVENTS, "opType = 'deleteDeviceIdentity'", "events"),
                route("conn", RouteSource.DEVICE_CONNECTION_STATE_EVENTS, "true", "alarms")),
                HubRouting.DEFAULT_FALLBACK);
        assertThat(router.decide(HUB, event(SystemProperties.SOURCE_TWIN_CHANGE)).customEndpoints())
                .containsExactly(KAFKA);
        assertThat(router.decide(HUB, event(SystemProperties.SOURCE_DEVICE_CONNECTION_STATE)).customEndpoints())
                .containsExactly(HOOK);
        RouteDecision created = router.decide(HUB, event(SystemProperties.SOURCE_DEVICE_LIFECYCLE));
        assertThat(created.builtInEvents()).isFalse();
        assertThat(created.customEndpoints()).isEmpty();
        assertThat(router.decide(HUB, telemetry("{}", Map.of()))).isEqualTo(RouteDecision.BUILT_IN_ONLY);
    }

    @Test
    void disabledRoutesTakeNothing() {
        save(List.of(new Route("off", RouteSource.DEVICE_MESSAGES, "true", List.of("alarms"), false)),
                FALLBACK_OFF);
        assertThat(router.decide(HUB, telemetry("{}", Map.of())).customEndpoints()).isEmpty();
    }

    @Test
    void aChangeSavedOnAnotherNodeIsPickedUpByThePoll() {
        assertThat(router.decide(HUB, telemetry("{}", Map.of()))).isEqualTo(RouteDecision.BUILT_IN_ONLY);
        store.replace(HUB, new HubRouting(List.of(HOOK), List.of(route("all", RouteSource.DEVICE_MESSAGES, "true",
                "alarms")), HubRouting.DEFAULT_FALLBACK), null);
        assertThat(router.decide(HUB, telemetry("{}", Map.of()))).isEqualTo(RouteDecision.BUILT_IN_ONLY);
        router.poll();
        assertThat(router.decide(HUB, telemetry("{}", Map.of())).customEndpoints()).containsExactly(HOOK);
    }

    @Test
    void aReplaceNamingAStaleEtagIsPreconditionFailed() {
        String etag = service.routing(HUB).etag();
        service.replace(HUB, HubRouting.DEFAULT, "\"" + etag + "\"");
        assertThatThrownBy(() -> service.replace(HUB, HubRouting.DEFAULT, etag))
                .isInstanceOfSatisfying(HubError.class,
                        e -> assertThat(e.code()).isEqualTo(HubErrorCode.PRECONDITION_FAILED));
    }

    @Test
    void aRoutingIotHubWouldRefuseIsRefusedBeforeItIsSaved() {
        assertRefused(List.of(route("bad", RouteSource.DEVICE_MESSAGES, "kind = ", "alarms")),
                "route 'bad' is invalid at position 8");
        assertRefused(List.of(route("x", RouteSource.DEVICE_MESSAGES, "true", "nowhere")), "nowhere");
        assertRefused(List.of(route("x", RouteSource.DEVICE_MESSAGES, "true", "events"),
                route("X", RouteSource.DEVICE_MESSAGES, "true", "events")), "used twice");
        assertRefused(List.of(route("bad name!", RouteSource.DEVICE_MESSAGES, "true", "events")), "invalid");
        assertRefused(List.of(new Route("two", RouteSource.DEVICE_MESSAGES, "true", List.of("events", "alarms"),
                true)), "exactly one endpoint");
        assertThatThrownBy(() -> service.replace(HUB, new HubRouting(List.of(new WebhookEndpoint("plain",
                URI.create("http://example.net/x"), Map.of(), 3)), List.of(), null), null))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> service.replace(HUB, new HubRouting(List.of(new KafkaEndpoint("events",
                "b:9092", "t", Map.of())), List.of(), null), null)).hasMessageContaining("reserved");
        assertThat(store.etag(HUB)).isEqualTo(RoutingStore.INITIAL_ETAG);
        service.replace(HUB, new HubRouting(List.of(new WebhookEndpoint("local",
                URI.create("http://127.0.0.1:8080/x"), Map.of(), 3)), List.of(), null), null);
    }

    private void assertRefused(List<Route> routes, String message) {
        assertThatThrownBy(() -> save(routes, HubRouting.DEFAULT_FALLBACK))
                .isInstanceOfSatisfying(HubError.class,
                        e -> assertThat(e.code()).isEqualTo(HubErrorCode.ARGUMENT_INVALID))
                .hasMessageContaining(message);
    }

    @Test
    void testingOneRouteEvaluatesItWithoutSavingIt() {
        Route hot = route("hot", RouteSource.DEVICE_MESSAGES, "$body.t > 1", RouteEndpoint.BUILT_IN_EVENTS);
        assertThat(service.test(hot, telemetry("{\"t\":2}", Map.of()))).isTrue();
        assertThat(service.test(hot, telemetry("{\"t\":0}", Map.of()))).isFalse();
        assertThat(service.test(hot, event(SystemProperties.SOURCE_TWIN_CHANGE))).isFalse();
        assertThatThrownBy(() -> service.test(route("bad", RouteSource.DEVICE_MESSAGES, "(", "events"),
                telemetry("{}", Map.of()))).hasMessageContaining("position 2");
    }
}
