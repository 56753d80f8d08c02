package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.routing.HubRouting;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.Route;
import dev.muster.core.hub.routing.RouteSource;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.StoredRouting;
import dev.muster.core.hub.routing.WebhookEndpoint;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The routing part of the store contract ({@link StoreContractTest} runs it on H2 and PostgreSQL): a hub's routing is
 * replaced whole under its etag, one of concurrent first saves wins, and endpoint credentials are sealed at rest.
 */
interface RoutingStoreContract {
    String ROUTING_HUB = "Hub-Routing.example.net";
    String SECRET = "Bearer very-secret-token-123";

    Stores stores();

    SecretBox secretBox();

    Connection connection() throws SQLException;

    private RoutingStore routing() {
        return stores().routing();
    }

    static HubRouting sample(String routeName) {
        return new HubRouting(
                List.of(new WebhookEndpoint("alarms-hook", URI.create("https://example.net/alarms"),
                                Map.of("Authorization", SECRET), 5),
                        new KafkaEndpoint("telemetry-kafka", "127.0.0.1:9092", "telemetry",
                                Map.of("sasl.jaas.config", SECRET))),
                List.of(new Route(routeName, RouteSource.DEVICE_MESSAGES, "kind = 'alarm'", List.of("alarms-hook"), true),
                        new Route("twins", RouteSource.TWIN_CHANGE_EVENTS, "true", List.of("telemetry-kafka"), false)),
                new Route(HubRouting.FALLBACK_NAME, RouteSource.DEVICE_MESSAGES, "true", List.of("events"), false));
    }

    @Test
    default void aHubNeverConfiguredRoutesByTheDefaultUnderTheInitialEtag() {
        StoredRouting r = routing().routing(ROUTING_HUB);
        assertThat(r.routing()).isEqualTo(HubRouting.DEFAULT);
        assertThat(r.etag()).isEqualTo(RoutingStore.INITIAL_ETAG);
        assertThat(routing().etag(ROUTING_HUB)).isEqualTo(RoutingStore.INITIAL_ETAG);
        assertThat(r.routing().fallback().enabled()).isTrue();
        assertThat(r.routing().fallback().endpointNames()).containsExactly("events");
    }

    @Test
    default void aSavedRoutingIsReadBackAsSavedUnderAnyCaseOfTheHubName() {
        StoredRouting saved = routing().replace(ROUTING_HUB, sample("alarms"), RoutingStore.INITIAL_ETAG)
                .orElseThrow();
        assertThat(saved.etag()).isNotEqualTo(RoutingStore.INITIAL_ETAG);
        StoredRouting read = routing().routing(ROUTING_HUB.toLowerCase());
        assertThat(read).isEqualTo(saved);
        assertThat(read.routing()).isEqualTo(sample("alarms"));
        assertThat(routing().etag(ROUTING_HUB.toUpperCase())).isEqualTo(saved.etag());
        assertThat(routing().routing("other.example.net").routing()).isEqualTo(HubRouting.DEFAULT);
    }

    @Test
    default void aReplaceNamingAStaleEtagChangesNothing() {
        StoredRouting first = routing().replace(ROUTING_HUB, sample("a"), RoutingStore.INITIAL_ETAG).orElseThrow();
        StoredRouting second = routing().replace(ROUTING_HUB, sample("b"), first.etag()).orElseThrow();
        assertThat(routing().replace(ROUTING_HUB, sample("c"), first.etag())).isEmpty();
        assertThat(routing().replace(ROUTING_HUB, sample("c"), RoutingStore.INITIAL_ETAG)).isEmpty();
        assertThat(routing().routing(ROUTING_HUB)).isEqualTo(second);
        StoredRouting forced = routing().replace(ROUTING_HUB, sample("d"), null).orElseThrow();
        assertThat(routing().routing(ROUTING_HUB)).isEqualTo(forced);
        assertThat(routing().replace("fresh.example.net", HubRouting.DEFAULT, null)).isPresent();
    }

    @Test
    default void ofConcurrentReplacesOfOneEtagExactlyOneWins() throws Exception {
        String start = routing().replace(ROUTING_HUB, sample("start"), null).orElseThrow().etag();
        assertThat(winners(start)).isEqualTo(1);
    }

    @Test
    default void ofConcurrentFirstSavesExactlyOneWins() throws Exception {
        assertThat(winners(RoutingStore.INITIAL_ETAG)).isEqualTo(1);
    }

    /** Eight replaces naming {@code etag} at once; checks the winner's routing is what is stored. */
    private int winners(String etag) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<StoredRouting>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "r" + i;
                results.add(pool.submit(() -> routing().replace(ROUTING_HUB, sample(name), etag)));
            }
            int wins = 0;
            for (Future<Optional<StoredRouting>> f : results) {
                Optional<StoredRouting> r = f.get();
                if (r.isPresent()) {
                    wins++;
                    assertThat(routing().routing(ROUTING_HUB)).isEqualTo(r.get());
                }
            }
            return wins;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void endpointCredentialsAreSealedAtRest() throws SQLException {
        routing().replace(ROUTING_HUB, sample("sealed"), null).orElseThrow();
        try (Connection c = connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT document FROM hub_routing")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).doesNotContain("very-secret").contains("enc:v1:").contains("kind = 'alarm'");
        }
        assertThatThrownBy(() -> Stores.on(dataSourceOf(), SecretBox.ephemeral()).routing().routing(ROUTING_HUB))
                .isInstanceOf(StoreException.class).hasMessageContaining("secret key");
    }

    /** The pool the contract's stores run on, for a store opened with another key. */
    javax.sql.DataSource dataSourceOf();
}
