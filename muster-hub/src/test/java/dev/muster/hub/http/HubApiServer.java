package dev.muster.hub.http;

import dev.muster.core.Ids;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.sas.SasSigner;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.testing.InMemoryCloudToDeviceStore;
import dev.muster.core.testing.InMemoryConnectionStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.c2d.CloudToDeviceLimits;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.connections.DeviceConnections;
import dev.muster.hub.methods.DirectMethods;
import dev.muster.hub.methods.NodeCallSignature;
import dev.muster.transport.Blocking;
import dev.muster.transport.Exchange;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * A built-in hub's REST API on a loopback port of a real Vert.x server, bodies read as the server's front door reads
 * them, with one hub (its host is 127.0.0.1, the host the test client names) holding device {@code dev1}.
 */
final class HubApiServer implements AutoCloseable {
    static final String HUB = "127.0.0.1";

    final InMemoryStore store = new InMemoryStore();
    final BuiltInHub builtIn = BuiltInHub.create(store, Clock.systemUTC());
    final CloudToDeviceQueue cloudToDevice = new CloudToDeviceQueue(builtIn.devices(),
            new InMemoryCloudToDeviceStore(), Clock.systemUTC(), CloudToDeviceLimits.AZURE);
    final String ownerKey = Ids.policyKey();
    private final Vertx vertx = Vertx.vertx();
    /** HTTP/1.1 as the hub listener speaks it (a cleartext h2c upgrade would carry no Host header). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int port;

    HubApiServer() throws Exception {
        store.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, ownerKey, Ids.policyKey()));
        builtIn.devices().putDevice(HUB, HubDevice.of("dev1", null, null), null);
        DeviceConnections connections = new DeviceConnections(new InMemoryConnectionStore(), Clock.systemUTC(),
                "127.0.0.3", 443);
        DirectMethods methods = new DirectMethods(new DirectMethods.Options(connections,
                (node, target, call) -> CompletableFuture.failedFuture(new IllegalStateException("one node only")),
                ForkJoinPool.commonPool()));
        HubHttpApi api = new HubHttpApi(builtIn, new LiveDevices(connections, methods),
                new SasVerifier(Clock.systemUTC()), new Blocking(vertx.createSharedWorkerExecutor("hub-api-test")),
                new NodeCallSignature(new byte[32], Clock.systemUTC())).withCloudToDevice(cloudToDevice);
        port = vertx.createHttpServer().requestHandler(request -> {
            Buffer body = Buffer.buffer();
            request.handler(body::appendBuffer);
            request.endHandler(v -> api.handle(new Exchange(request, body.toString(StandardCharsets.UTF_8))));
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    }

    /** The owner policy's token, as a back end signs it. */
    String token() {
        return SasSigner.sign(HUB, ownerKey, BuiltInHubConfig.OWNER, Instant.now().getEpochSecond() + 600);
    }

    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + HUB + ":" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
