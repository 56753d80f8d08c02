package dev.muster.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private int serve(String token) throws Exception {
        HttpServer server = vertx.createHttpServer()
                .requestHandler(new MetricsEndpoint(() -> "muster_operations_total 1.0\n", token));
        return server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    private HttpResponse<String> send(int port, String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePrometheusTextWithoutATokenWhenNoneIsSet() throws Exception {
        HttpResponse<String> r = send(serve(null), "GET", "/metrics", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body()).contains("muster_operations_total 1.0");
    }

    @Test
    void asksForTheBearerTokenWhenOneIsSet() throws Exception {
        int port = serve(TOKEN);

        HttpResponse<String> none = send(port, "GET", "/metrics", null);
        HttpResponse<String> wrong = send(port, "GET", "/metrics", "Bearer " + TOKEN + "x");
        HttpResponse<String> right = send(port, "GET", "/metrics", "Bearer " + TOKEN);

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.body()).doesNotContain("muster_operations_total");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).contains("muster_operations_total");
    }

    @Test
    void servesNothingButGetMetrics() throws Exception {
        int port = serve(null);

        assertThat(send(port, "GET", "/", null).statusCode()).isEqualTo(404);
        assertThat(send(port, "GET", "/metrics/x", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(port, "POST", "/metrics", null);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
}
