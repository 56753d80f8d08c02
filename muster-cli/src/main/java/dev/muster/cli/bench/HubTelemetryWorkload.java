package dev.muster.cli.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

/**
 * The telemetry workload of a built-in hub, end to end: a fleet of MQTT devices publishes at QoS 1 to
 * {@code devices/{id}/messages/events/} and one back end reads the hub's Event Hubs-compatible endpoint (every
 * partition of {@code $Default}, from the latest event). One job is one message, from the device's PUBLISH to the
 * consumer holding it: routed, on disk in its partition, read and delivered.
 */
public final class HubTelemetryWorkload implements AutoCloseable {
    static final String JOB_PROPERTY = "bench-job";

    private final InFlightJobs inFlight = new InFlightJobs();
    private final HubFleet fleet;
    private EventHubsReceiver consumer;

    private HubTelemetryWorkload(HubFleet.Options o) throws Exception {
        // Subscribed to their cloud-to-device messages only because a fleet device subscribes to something.
        this.fleet = HubFleet.open(o, "devices/{id}/messages/devicebound/#", 1, (device, m) -> { });
    }

    /**
     * Creates and connects the fleet, then the consumer on {@code amqpPort} reading every partition of
     * {@code eventHub}; blocks until all are ready.
     */
    public static HubTelemetryWorkload open(HubFleet.Options fleet, int amqpPort, String eventHub)
            throws Exception {
        HubTelemetryWorkload w = new HubTelemetryWorkload(fleet.as("d2c"));
        try {
            w.consumer = EventHubsReceiver.open(w.fleet.vertx(), w.fleet.hub().hostName(), amqpPort, fleet.caPem(),
                    w.fleet.hub().keyName(), w.fleet.hub().key(), eventHub, w::received);
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void received(Message event) {
        ApplicationProperties props = event.getApplicationProperties();
        Object job = props == null ? null : props.getValue().get(JOB_PROPERTY);
        inFlight.arrived(job == null ? null : job.toString());
    }

    /** Job {@code i}: device {@code i} modulo the fleet sends one message. */
    public IntFunction<Job> jobs() {
        return i -> (recorder, originNanos, finished) -> {
            String id = fleet.deviceIds().get(i % fleet.deviceIds().size());
            MqttClient device = fleet.device(id);
            String job = "j" + i;
            inFlight.started(job, recorder, originNanos, finished);
            byte[] body = ("{\"i\":" + i + ",\"temperature\":" + (20 + i % 15) + "}").getBytes(StandardCharsets.UTF_8);
            device.publish("devices/" + id + "/messages/events/" + JOB_PROPERTY + "=" + job
                            + "&%24.ct=application%2Fjson&%24.ce=utf-8", Buffer.buffer(body), MqttQoS.AT_LEAST_ONCE,
                    false, false).onFailure(e -> inFlight.failed(job, "d2c-publish"));
        };
    }

    public int fleetSize() {
        return fleet.deviceIds().size();
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
        fleet.close();
    }
}
