package dev.muster.cli.bench;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Telemetry through a Kafka route, end to end: the bench starts a single-node Kafka broker of its own (in this
 * process, on loopback), gives the hub a Kafka endpoint and a route taking every device message to it, and a fleet of
 * MQTT devices publishes at QoS 1 while a Kafka consumer reads the topic. One job is one message, from the device's
 * PUBLISH to the consumer holding it: routed, in the endpoint's outbox on disk, produced, consumed. The hub's routing
 * is put back as it was afterwards.
 */
public final class HubKafkaRouteWorkload implements AutoCloseable {
    private static final String ENDPOINT = "bench-kafka";

    private final InFlightJobs inFlight = new InFlightJobs();
    private final HubFleet fleet;
    private final LocalKafkaBroker broker;
    private final String topic;
    private String savedRouting;
    private Thread reader;
    private volatile boolean reading = true;

    private HubKafkaRouteWorkload(HubFleet.Options o) throws Exception {
        this.broker = LocalKafkaBroker.startTemporary();
        this.topic = "bench-" + o.run();
        try {
            this.fleet = HubFleet.open(o, "devices/{id}/messages/devicebound/#", 1, (device, m) -> { });
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    /** Starts the broker, creates and connects the fleet, routes the hub's device messages to the broker's topic. */
    public static HubKafkaRouteWorkload open(HubFleet.Options fleet) throws Exception {
        HubKafkaRouteWorkload w = new HubKafkaRouteWorkload(fleet.as("kafka"));
        try {
            w.route();
            w.startReading();
        } catch (Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private void route() throws Exception {
        savedRouting = fleet.get("/routing").await(30, TimeUnit.SECONDS);
        String routing = """
                {"endpoints":{"kafka":[{"name":"%s","bootstrapServers":"%s","topic":"%s"}]},
                 "routes":[{"name":"bench-all","source":"DeviceMessages","condition":"true",
                  "endpointNames":["%s"],"isEnabled":true}],
                 "fallbackRoute":{"name":"$fallback","source":"DeviceMessages","condition":"true",
                  "endpointNames":["events"],"isEnabled":false}}""".formatted(ENDPOINT, broker.bootstrapServers(),
                topic, ENDPOINT);
        int status = fleet.call(HttpMethod.PUT, "/routing", routing).await(30, TimeUnit.SECONDS);
        if (status != 200) {
            throw new IllegalStateException("the hub refused the bench's Kafka route: " + status);
        }
    }

    private void startReading() throws InterruptedException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
        reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of(topic));
                while (reading) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        received(r);
                    }
                    if (!consumer.assignment().isEmpty()) {
                        assigned.countDown();
                    }
                }
            }
        }, "bench-kafka-reader");
        reader.setDaemon(true);
        reader.start();
        assigned.await(60, TimeUnit.SECONDS);
    }

    private void received(ConsumerRecord<byte[], byte[]> r) {
        for (Header h : r.headers()) {
            if (h.key().endsWith(HubTelemetryWorkload.JOB_PROPERTY)) {
                inFlight.arrived(new String(h.value(), StandardCharsets.UTF_8));
                return;
            }
        }
    }

    /** Job {@code i}: device {@code i} modulo the fleet sends one message. */
    public IntFunction<Job> jobs() {
        return i -> (recorder, originNanos, finished) -> {
            String id = fleet.deviceIds().get(i % fleet.deviceIds().size());
            String job = "k" + i;
            inFlight.started(job, recorder, originNanos, finished);
            byte[] body = ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            fleet.device(id).publish("devices/" + id + "/messages/events/" + HubTelemetryWorkload.JOB_PROPERTY + "="
                    + job, Buffer.buffer(body), MqttQoS.AT_LEAST_ONCE, false, false)
                    .onFailure(e -> inFlight.failed(job, "kafka-publish"));
        };
    }

    public int fleetSize() {
        return fleet.deviceIds().size();
    }

    @Override
    public void close() {
        reading = false;
        try {
            if (savedRouting != null) {
                fleet.call(HttpMethod.PUT, "/routing", savedRouting).await(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("bench: could not put the hub's routing back: " + e.getMessage());
        }
        fleet.close();
        if (reader != null) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        broker.close();
    }
}
