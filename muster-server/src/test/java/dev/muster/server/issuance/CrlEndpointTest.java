package dev.muster.server.issuance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.CrlPublisher;
import dev.muster.core.testing.InMemoryIssuanceStore;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrlEndpointTest {
    private final Vertx vertx = Vertx.vertx();
    private final HttpClient http = HttpClient.newHttpClient();
    private final InMemoryIssuanceStore store = new InMemoryIssuanceStore();
    private final Clock clock = Clock.systemUTC();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private int serve() throws Exception {
        CrlEndpoint endpoint = new CrlEndpoint(new CrlPublisher(store, clock),
                new Blocking(vertx.createSharedWorkerExecutor("crl-test")), clock);
        return vertx.createHttpServer().requestHandler(endpoint).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS).actualPort();
    }

    private HttpResponse<byte[]> send(int port, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTheCasCrlAsDerWithTheCrlMediaType() throws Exception {
        var ca = new CertificateIssuance(store, clock).issuingCa("contoso", "default");
        int port = serve();

        HttpResponse<byte[]> r = send(port, "GET", "/crl/contoso/default.crl");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(CrlEndpoint.CONTENT_TYPE);
        X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(r.body()));
        crl.verify(ca.certificate().getPublicKey());
        assertThat(send(port, "GET", "/crl/contoso/DEFAULT.crl").body()).as("CA names are case-insensitive")
                .isEqualTo(r.body());
    }

    @Test
    void anUnknownInstanceCaOrPathIsNotFoundAndOnlyGetIsAllowed() throws Exception {
        new CertificateIssuance(store, clock).issuingCa("contoso", "default");
        int port = serve();

        assertThat(send(port, "GET", "/crl/fabrikam/default.crl").statusCode()).isEqualTo(404);
        assertThat(send(port, "GET", "/crl/contoso/other.crl").statusCode()).isEqualTo(404);
        assertThat(send(port, "GET", "/crl/contoso/default").statusCode()).isEqualTo(404);
        assertThat(send(port, "GET", "/metrics").statusCode()).isEqualTo(404);
        assertThat(send(port, "POST", "/crl/contoso/default.crl").statusCode()).isEqualTo(405);
    }

    @Test
    void theUrlInCertificatesNamesTheInstanceAndCa() {
        assertThat(CrlEndpoint.locations("http://dps.example.com").url("contoso", "default"))
                .isEqualTo("http://dps.example.com/crl/contoso/default.crl");
        assertThat(CrlEndpoint.locations(null).url("contoso", "default")).isNull();
    }
}
