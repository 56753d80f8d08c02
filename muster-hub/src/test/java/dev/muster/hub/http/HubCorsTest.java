package dev.muster.hub.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HubCorsTest {
    private static final String PORTAL = "https://localhost";
    private final HubApiServer server;

    HubCorsTest() throws Exception {
        server = new HubApiServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aPreflightIsAnsweredWithTheHeadersTheApiReadsAndNoCredentials() throws Exception {
        HttpResponse<String> r = server.send("OPTIONS", "/devices/query", null, Map.of("Origin", PORTAL,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
                "authorization,content-type,x-ms-max-item-count,x-ms-continuation,iothub-app-Kind,x-unknown"));

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, PUT, POST, PATCH, DELETE");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValue("authorization, content-type, x-ms-max-item-count, x-ms-continuation, iothub-app-Kind");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void aPreflightNeedsNoTokenButTheCallItAnnouncesDoes() throws Exception {
        HttpResponse<String> preflight = server.send("OPTIONS", "/twins/dev1/methods", null, Map.of("Origin", PORTAL,
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization"));
        HttpResponse<String> call = server.send("POST", "/twins/dev1/methods", "{\"methodName\":\"m\"}",
                Map.of("Origin", PORTAL));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(call.statusCode()).isEqualTo(401);
        assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void aCrossOriginAnswerLetsThePageReadPagingTheErrorNameAndEtags() throws Exception {
        HttpResponse<String> r = server.send("GET", "/devices/nobody", null,
                Map.of("Origin", PORTAL, "Authorization", server.token()));

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValue("x-ms-continuation, iothub-errorcode, ETag");
        assertThat(r.headers().firstValue("iothub-errorcode")).hasValue("DeviceNotFound");
    }

    @Test
    void aCallWithoutAnOriginGetsNoCorsHeaders() throws Exception {
        HttpResponse<String> r = server.send("GET", "/devices/dev1", null, Map.of("Authorization", server.token()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anOptionsRequestThatIsNoPreflightIsRoutedAsAnyOther() throws Exception {
        HttpResponse<String> r = server.send("OPTIONS", "/devices/dev1", null,
                Map.of("Origin", PORTAL, "Authorization", server.token()));

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }
}
