package dev.muster.hub.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import dev.muster.core.hub.HubNode;
import dev.muster.core.testing.InMemoryConnectionStore;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.connections.DeviceConnections;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DirectMethodsTest {
    private static final ConnectionKey DEVICE = ConnectionKey.device("Hub.example.net", "dev-1");
    private static final ConnectionKey MODULE = new ConnectionKey("hub.example.net", "dev-1", "mod-1");

    private final InMemoryConnectionStore store = new InMemoryConnectionStore();
    private final DeviceConnections here = new DeviceConnections(store, Clock.systemUTC(), "127.0.0.3", 443);
    private final DeviceConnections there = new DeviceConnections(store, Clock.systemUTC(), "127.0.0.4", 443);
    private final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();
    private final Channels channels = new Channels();
    private final DirectMethods methods = new DirectMethods(new DirectMethods.Options(here, (node, target, call) -> {
        forwarded.add(new Forwarded(node, target, call));
        return CompletableFuture.completedFuture(new MethodResult(201, Json.tree("{\"from\":\"there\"}")));
    }, ForkJoinPool.commonPool()));

    record Forwarded(HubNode node, ConnectionKey target, MethodCall call) {}

    record Sent(String requestId, String methodName, String payload) {}

    /** This node's connections that take methods: a map the test fills. */
    static final class Channels implements MethodChannels {
        final ConcurrentHashMap<ConnectionKey, List<Sent>> open = new ConcurrentHashMap<>();

        List<Sent> open(ConnectionKey key) {
            return open.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        }

        @Override
        public Optional<MethodChannel> channel(ConnectionKey key) {
            List<Sent> sent = open.get(key);
            return sent == null ? Optional.empty() : Optional.of((rid, name, payload) ->
                    sent.add(new Sent(rid, name, new String(payload, StandardCharsets.UTF_8))));
        }
    }

    {
        methods.addTransport(channels);
        here.heartbeat();
        there.heartbeat();
    }

    @AfterEach
    void stop() {
        methods.close();
    }

    private static MethodCall call(String name, String payload, int responseTimeout, int connectTimeout) {
        return new MethodCall(name, payload == null ? null : Json.tree(payload), responseTimeout, connectTimeout);
    }

    private static HubError refusal(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(HubError.class);
            return (HubError) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void aCallIsSentOnTheLocalConnectionAndCompletedByItsAnswer() throws Exception {
        List<Sent> sent = channels.open(DEVICE);

        CompletableFuture<MethodResult> result = methods.invoke(DEVICE, call("reboot", "{\"delay\":5}", 30, 0), true);

        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s.methodName()).isEqualTo("reboot");
            assertThat(Json.tree(s.payload())).isEqualTo(Json.tree("{\"delay\":5}"));
        });
        assertThat(methods.answered(DEVICE, sent.get(0).requestId(), 200,
                "{\"ok\":true}".getBytes(StandardCharsets.UTF_8))).isTrue();
        MethodResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.payload()).isEqualTo(Json.tree("{\"ok\":true}"));
        assertThat(methods.pendingCount()).isZero();
    }

    @Test
    void aCallWithoutPayloadSendsJsonNullAndAnEmptyAnswerIsANullPayload() throws Exception {
        List<Sent> sent = channels.open(DEVICE);
        CompletableFuture<MethodResult> result = methods.invoke(DEVICE, call("ping", null, 30, 0), true);

        assertThat(sent.get(0).payload()).isEqualTo("null");
        methods.answered(DEVICE, sent.get(0).requestId(), 404, new byte[0]);
        assertThat(result.get(5, TimeUnit.SECONDS).payload().isNull()).isTrue();
    }

    @Test
    void anAnswerFromAnotherConnectionDoesNotCompleteTheCall() {
        List<Sent> sent = channels.open(MODULE);
        CompletableFuture<MethodResult> result = methods.invoke(MODULE, call("m", "1", 30, 0), true);

        assertThat(methods.answered(DEVICE, sent.get(0).requestId(), 200, "1".getBytes())).isFalse();
        assertThat(result).isNotDone();
        assertThat(methods.answered(MODULE, sent.get(0).requestId(), 200, "1".getBytes())).isTrue();
        assertThat(result).isCompleted();
    }

    @Test
    void aDeviceThatIsNotConnectedIsRefusedAtOnceWithDeviceNotOnline() {
        HubError e = refusal(methods.invoke(DEVICE, call("m", "1", 30, 0), true));

        assertThat(e.code()).isEqualTo(HubErrorCode.DEVICE_NOT_ONLINE);
        assertThat(e.code().code()).isEqualTo(404103);
        assertThat(e.info()).containsEntry("timeout", "00:00:00");
        assertThat(forwarded).isEmpty();
    }

    @Test
    void aCallWaitsItsConnectTimeoutForTheDeviceToCome() throws Exception {
        CompletableFuture<MethodResult> result = methods.invoke(DEVICE, call("m", "1", 30, 5), true);
        Thread.sleep(600);
        assertThat(result).isNotDone();

        List<Sent> sent = channels.open(DEVICE);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (sent.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(sent).hasSize(1);
        methods.answered(DEVICE, sent.get(0).requestId(), 200, "2".getBytes());
        assertThat(result.get(5, TimeUnit.SECONDS).payload().asInt()).isEqualTo(2);
    }

    @Test
    void aDeviceThatNeverAnswersTimesOutWithGatewayTimeout() {
        channels.open(DEVICE);
        long started = System.nanoTime();

        HubError e = refusal(methods.invoke(DEVICE, call("m", "1", 5, 0), true));

        assertThat(e.code()).isEqualTo(HubErrorCode.GATEWAY_TIMEOUT);
        assertThat(e.httpStatus()).isEqualTo(504);
        assertThat(e.info()).containsEntry("timeout", "00:00:05");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(4_900L, 8_000L);
        assertThat(methods.pendingCount()).isZero();
    }

    @Test
    void anAnswerThatIsNotJsonIsABadDeviceResponse() {
        List<Sent> sent = channels.open(DEVICE);
        CompletableFuture<MethodResult> result = methods.invoke(DEVICE, call("m", "1", 30, 0), true);

        methods.answered(DEVICE, sent.get(0).requestId(), 200, "not json".getBytes());

        assertThat(refusal(result).httpStatus()).isEqualTo(502);
    }

    @Test
    void aDeviceConnectedToAnotherLiveNodeGetsTheCallThroughThatNode() throws Exception {
        there.connected(DEVICE);

        MethodResult r = methods.invoke(DEVICE, call("m", "1", 30, 0), true).get(5, TimeUnit.SECONDS);

        assertThat(r.status()).isEqualTo(201);
        assertThat(forwarded).singleElement().satisfies(f -> {
            assertThat(f.node().nodeId()).isEqualTo(there.nodeId());
            assertThat(f.node().address()).isEqualTo("127.0.0.4");
            assertThat(f.target()).isEqualTo(DEVICE);
        });
    }

    @Test
    void aForwardedCallIsNeverForwardedAgain() {
        there.connected(DEVICE);

        assertThat(refusal(methods.invoke(DEVICE, call("m", "1", 30, 0), false)).code())
                .isEqualTo(HubErrorCode.DEVICE_NOT_ONLINE);
        assertThat(forwarded).isEmpty();
    }

    @Test
    void aConnectionHeldByANodeThatStoppedIsNotOnline() {
        there.connected(DEVICE);
        there.stop();

        assertThat(refusal(methods.invoke(DEVICE, call("m", "1", 30, 0), true)).code())
                .isEqualTo(HubErrorCode.DEVICE_NOT_ONLINE);
        assertThat(here.isConnected(DEVICE)).isFalse();
    }

    @Test
    void timeSpansAreWrittenAsIotHubWritesThem() {
        assertThat(DirectMethods.span(30)).isEqualTo("00:00:30");
        assertThat(DirectMethods.span(300)).isEqualTo("00:05:00");
    }

    @Test
    void methodCallsAreCheckedAsIotHubChecksThem() {
        JsonNode ok = Json.tree("{\"methodName\":\"reboot\",\"payload\":{\"a\":1}}");
        MethodCall c = MethodCall.parse(ok);
        assertThat(c.responseTimeoutSeconds()).isEqualTo(30);
        assertThat(c.connectTimeoutSeconds()).isZero();

        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"payload\":1}")))
                .hasMessageContaining("methodName");
        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"methodName\":\"a/b\"}")))
                .hasMessageContaining("'/'");
        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"methodName\":\"a\",\"responseTimeoutInSeconds\":4}")))
                .hasMessageContaining("between 5 and 300");
        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"methodName\":\"a\",\"connectTimeoutInSeconds\":301}")))
                .hasMessageContaining("between 0 and 300");
        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"methodName\":\"a\",\"responseTimeoutInSeconds\":\"x\"}")))
                .hasMessageContaining("whole number");
        String big = "\"" + "x".repeat(MethodCall.MAX_PAYLOAD_BYTES) + "\"";
        assertThatThrownBy(() -> MethodCall.parse(Json.tree("{\"methodName\":\"a\",\"payload\":" + big + "}")))
                .isInstanceOfSatisfying(HubError.class, e -> assertThat(e.httpStatus()).isEqualTo(413));
    }
}
