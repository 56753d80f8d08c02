package dev.muster.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * The direct-method workload of a built-in hub: a fleet of devices connected over MQTT answering every method at
 * once (as a device application does), and a back end invoking methods through the hub's REST API on kept-alive
 * connections, as the service SDKs do. One job is one round trip: {@code POST /twins/{id}/methods} → the hub's
 * request to the device → its answer → the 200 with the device's status and payload.
 */
public final class HubMethodsWorkload implements AutoCloseable {
    private final HubFleet fleet;

    private HubMethodsWorkload(HubFleet fleet) {
        this.fleet = fleet;
    }

    /** Creates the devices in the hub and connects each, subscribed to methods; blocks until all are ready. */
    public static HubMethodsWorkload open(HubFleet.Options fleet) throws Exception {
        return new HubMethodsWorkload(HubFleet.open(fleet.as("method"),
                "$iothub/methods/POST/#", 0, (device, m) -> {
                    String topic = m.topicName();
                    int rid = topic.indexOf("$rid=");
                    if (topic.startsWith("$iothub/methods/POST/") && rid > 0) {
                        // The answer carries the request's payload back, so the round trip moves bytes both ways.
                        device.publish("$iothub/methods/res/200/?$rid=" + topic.substring(rid + 5), m.payload(),
                                MqttQoS.AT_MOST_ONCE, false, false);
                    }
                }));
    }

    /** Job {@code i} invokes a method on device {@code i} modulo the fleet, with a small JSON payload. */
    public IntFunction<Job> jobs() {
        return i -> (recorder, originNanos, finished) -> {
            String id = fleet.deviceIds().get(i % fleet.deviceIds().size());
            String body = "{\"methodName\":\"bench\",\"payload\":{\"i\":" + i + "},\"responseTimeoutInSeconds\":30}";
            fleet.http().request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setURI("/twins/" + id + "/methods?" + HubFleet.API)
                            .putHeader("Authorization", fleet.serviceToken())
                            .putHeader("Content-Type", "application/json"))
                    .compose(req -> req.send(body))
                    .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 ? b : null))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result() != null && answered(ar.result(), i)) {
                            recorder.success(System.nanoTime() - originNanos);
                        } else {
                            recorder.error(ar.failed() ? "method-" + ar.cause().getClass().getSimpleName()
                                    : "method-refused");
                        }
                        finished.run();
                    });
        };
    }

    private static boolean answered(Buffer body, int i) {
        JsonNode r = Json.tree(body.toString(StandardCharsets.UTF_8));
        return r.path("status").asInt() == 200 && r.path("payload").path("i").asInt(-1) == i;
    }

    public int fleetSize() {
        return fleet.deviceIds().size();
    }

    @Override
    public void close() {
        fleet.close();
    }
}
