package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.sas.ConnectionString;
import dev.muster.core.sas.SasSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the web portal needs from the server, over plain HTTPS: its static files at /portal/ (types, caching, a
 * content security policy that admits no other origin, nothing outside the portal folder), and the live
 * registrations event stream.
 */
class PortalServingIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().sslContext(MusterUnderTest.trust())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private static HttpResponse<String> getAt(String host, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + host + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        return getAt(MusterUnderTest.info().globalEndpoint(), path, headers);
    }

    private static String serviceToken() {
        ConnectionString cs = ConnectionString.parse(MusterUnderTest.info().serviceConnectionString());
        return SasSigner.sign(cs.hostName(), cs.key(), cs.keyName(), Instant.now().getEpochSecond() + 600);
    }

    @Test
    void servesThePortalWithItsContentTypesAndAPolicyThatAdmitsNoOtherOriginButItsHubs() throws Exception {
        HttpResponse<String> index = get("/portal/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("<script type=\"module\" src=\"js/app.js\">");
        String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("*", "unsafe");
        // The one other origin kind it may reach: this server's built-in hubs, whose REST API the hub devices page calls.
        assertThat(csp).contains("; connect-src 'self' https://" + MusterUnderTest.hub() + ":443 https://"
                + MusterUnderTest.SECOND_HUB + ":443;");
        assertThat(csp.replaceAll("https://127\\.0\\.10\\.[12]:443", "")).doesNotContain("http");
        assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(get("/portal/js/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/portal/portal.css").headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/portal/muster.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        HttpResponse<String> bare = get("/portal");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("/portal/");
    }

    @Test
    void filesAreRevalidatedWithTheirEtag() throws Exception {
        HttpResponse<String> first = get("/portal/js/api.js");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = get("/portal/js/api.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void nothingOutsideThePortalFolderIsServed() throws Exception {
        for (String path : new String[] {"/portal/../logback.xml", "/portal/%2e%2e/logback.xml",
                "/portal/js/..%2f..%2flogback.xml", "/portal/%2e%2e/dev/muster/server/MusterServer.class",
                "/portal/.hidden.js", "/portal/js/app.js.bak", "/portal/js%5capp.js", "/portal/nothing-here.html"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(Json.tree(r.body()).path("errorCode").asInt()).as(path).isEqualTo(404000);
        }
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("https://"
                + MusterUnderTest.info().globalEndpoint() + "/portal/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void hubHostsDoNotServeThePortal() throws Exception {
        assertThat(getAt(MusterUnderTest.hub(), "/portal/").statusCode()).isNotEqualTo(200);
    }

    @Test
    void theLiveStreamNeedsAValidTokenAndCarriesEachFinishedAttemptWithItsReason() throws Exception {
        HttpResponse<String> anonymous = get("/events/registrations");
        assertThat(anonymous.statusCode()).isEqualTo(401);

        HttpRequest streamRequest = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint()
                + "/events/registrations")).header("Authorization", serviceToken()).build();
        HttpResponse<Stream<String>> stream = HTTP.send(streamRequest, HttpResponse.BodyHandlers.ofLines());
        try {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            String regId = "live-" + UUID.randomUUID().toString().substring(0, 8);
            CompletableFuture<JsonNode> seen = CompletableFuture.supplyAsync(() -> {
                Iterator<String> lines = stream.body().iterator();
                String event = null;
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && "registration".equals(event)
                            && line.contains("\"" + regId + "\"")) {
                        return Json.tree(line.substring(6));
                    }
                }
                return null;
            });
            // A device with a made-up token: refused, and the stream says why.
            HttpResponse<String> refused = new RawDevice().register(MusterUnderTest.info().idScope(), regId,
                    "SharedAccessSignature sr=x&sig=bad&se=9999999999&skn=registration",
                    "{\"registrationId\":\"" + regId + "\"}");
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode event = seen.get(10, TimeUnit.SECONDS);
            assertThat(event.path("status").asText()).isEqualTo("failed");
            assertThat(event.path("errorCode").asInt()).isEqualTo(401002);
            assertThat(event.path("reason").asText()).contains("sr");
            assertThat(event.path("timestampUtc").asText()).endsWith("Z");
        } finally {
            stream.body().close();
        }
    }
}
