package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus view shows every instance's names, ID scopes and figures, so it is the operators' alone: served
 * on its own loopback listener, never on a tenant's host, the service host or a hub's.
 */
class MetricsIT {

    @Test
    void noHttpsHostServesMetricsButTheOperatorsListenerShowsEveryInstancesFigures() throws Exception {
        Tenants.Tenant t = Tenants.create(Tenants.unique("metrics"), "{}");
        HttpResponse<String> enrolled = ServiceRest.call(t.connectionString(), "PUT", "/enrollments/metrics-dev",
                "{\"attestation\":{\"type\":\"symmetricKey\"}}");
        assertThat(enrolled.statusCode()).as(enrolled.body()).isBetween(200, 201);

        HttpResponse<String> onTheTenantsHost = ServiceRest.call(t.connectionString(), "GET", "/metrics", null);
        HttpResponse<String> onTheServiceHost = ServiceRest.call(Tenants.admin(), "GET", "/metrics", null);
        HttpResponse<String> onAHub = HttpClient.newBuilder().sslContext(MusterUnderTest.trust()).build().send(
                HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.hub() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> r : java.util.List.of(onTheTenantsHost, onTheServiceHost, onAHub)) {
            assertThat(r.statusCode()).as(r.uri() + ": " + r.body()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("muster_operations_total").doesNotContain(t.idScope());
        }
        assertThat(URI.create(MusterUnderTest.info().metrics()).getHost()).as("loopback by default")
                .isEqualTo("127.0.0.1");
        assertThat(MusterUnderTest.metrics())
                .contains("muster_operations_total{billed=\"true\",id_scope=\"" + t.idScope() + "\",instance=\""
                        + t.name() + "\",kind=\"enrollmentCreate\"}")
                .contains("muster_protocol_errors_total{listener=\"mqtt\"}");
    }
}
