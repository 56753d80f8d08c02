package dev.muster.server.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.testing.InMemoryCloudToDeviceStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.c2d.CloudToDeviceLimits;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonClient;
import io.vertx.proton.ProtonClientOptions;
import io.vertx.proton.ProtonConnection;
import io.vertx.proton.ProtonServer;
import io.vertx.proton.ProtonServerOptions;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which endpoint an AMQP connection reaches: the host name in its Open frame decides, and without one the address
 * the client dialled (a node without DPS refuses names that are no hub).
 */
class AmqpFrontDoorTest {
    private static final String HUB = "hub-one.muster.test";

    private Vertx vertx;
    private ProtonServer server;

    /** What the client saw after its Open: the server's container id, or the condition it was closed with. */
    private record Answer(String container, String condition) {}

    private static dev.muster.hub.LiveDevices live(Clock clock) {
        var connections = new dev.muster.hub.connections.DeviceConnections(
                new dev.muster.core.testing.InMemoryConnectionStore(), clock, "127.0.0.1", 443);
        return new dev.muster.hub.LiveDevices(connections, new dev.muster.hub.methods.DirectMethods(
                new dev.muster.hub.methods.DirectMethods.Options(connections, (node, target, call) ->
                        java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("one node")),
                        Runnable::run)));
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Clock clock = Clock.systemUTC();
        InMemoryStore hubs = new InMemoryStore();
        hubs.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, Ids.policyKey(), Ids.policyKey()));
        BuiltInHub builtIn = BuiltInHub.create(hubs, clock);
        Blocking blocking = new Blocking(vertx.createSharedWorkerExecutor("front-door-test", 2));
        CloudToDeviceQueue queue = new CloudToDeviceQueue(builtIn.devices(), new InMemoryCloudToDeviceStore(), clock,
                CloudToDeviceLimits.AZURE);
        AmqpFrontDoor door = new AmqpFrontDoor(vertx, null, HubAmqpWiring.endpoint(builtIn, live(clock), queue, blocking, clock),
                Set.of(HUB, "127.0.0.1")::contains, HubAmqpWiring.mechanisms(null), 5_000);
        server = door.server(new ProtonServerOptions(), e -> { });
        AmqpFrontDoor.listen(server, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Answer open(String hostname) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        ProtonClient.create(vertx).connect(new ProtonClientOptions().addEnabledSaslMechanism("ANONYMOUS"),
                "127.0.0.1", server.actualPort(), ar -> {
                    if (ar.failed()) {
                        answer.completeExceptionally(ar.cause());
                        return;
                    }
                    ProtonConnection c = ar.result();
                    c.setHostname(hostname);
                    c.closeHandler(x -> answer.complete(new Answer(c.getRemoteContainer(),
                            c.getRemoteCondition() == null ? null : c.getRemoteCondition().getCondition().toString())));
                    c.openHandler(x -> vertx.setTimer(300, t -> answer.complete(new Answer(c.getRemoteContainer(),
                            null))));
                    c.open();
                });
        return answer.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHubHostInTheOpenFrameReachesTheHub() throws Exception {
        assertThat(open(HUB)).isEqualTo(new Answer("muster-hub", null));
    }

    @Test
    void anotherHostIsDpsWhichANodeWithoutDpsRefuses() throws Exception {
        Answer a = open("global.azure-devices-provisioning.net");
        assertThat(a.condition()).isEqualTo("amqp:not-found");
    }

    @Test
    void withoutAHostNameTheDialledAddressDecides() throws Exception {
        assertThat(open(null).container()).isEqualTo("muster-hub");
    }

    @Test
    void aPortAfterTheHostNameIsIgnored() throws Exception {
        assertThat(open(HUB + ":5671").container()).isEqualTo("muster-hub");
    }
}
