package dev.muster.cli.bench;

import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The built-in hub's workload phases of {@code ./muster bench}, each after a warm-up of its own (up to 2,000 jobs):
 * direct-method round trips and cloud-to-device messages through the first built-in hub, with one fleet of MQTT
 * devices per phase, created before it and deleted after.
 */
public final class HubPhases {
    private static final int WARM_UP = 2000;

    private final PhaseRunner runner;
    private final HubFleet.Options fleet;
    private final DoubleSupplier serverCpuSeconds;

    public HubPhases(PhaseRunner runner, HubFleet.Options fleet, DoubleSupplier serverCpuSeconds) {
        this.runner = runner;
        this.fleet = fleet;
        this.serverCpuSeconds = serverCpuSeconds;
    }

    /** {@code n} methods invoked with the fleet's concurrency in flight, each answered by an MQTT device. */
    public PhaseResult methods(int n) throws Exception {
        try (HubMethodsWorkload w = HubMethodsWorkload.open(fleet)) {
            runner.closed("warmup-methods", "warm-up: direct methods", Math.min(n, WARM_UP), fleet.concurrency(),
                    w.jobs(), serverCpuSeconds);
            return runner.closed("methods", String.format(Locale.ROOT, "Hub direct methods (%d MQTT devices)",
                    w.fleetSize()), n, fleet.concurrency(), w.jobs(), serverCpuSeconds);
        }
    }

    /** {@code n} messages sent over AMQP to {@code amqpPort}, each received by an MQTT device (queue, delivery, PUBACK). */
    public PhaseResult cloudToDevice(int n, int amqpPort) throws Exception {
        try (HubCloudToDeviceWorkload w = HubCloudToDeviceWorkload.open(fleet, amqpPort)) {
            runner.closed("warmup-c2d", "warm-up: cloud-to-device", Math.min(n, WARM_UP), fleet.concurrency(),
                    w.jobs(), serverCpuSeconds);
            return runner.closed("c2d", String.format(Locale.ROOT, "Hub cloud-to-device (AMQP in, %d MQTT devices)",
                    w.fleetSize()), n, fleet.concurrency(), w.jobs(), serverCpuSeconds);
        }
    }

    /**
     * {@code n} messages published by MQTT devices and read from the hub's Event Hubs-compatible endpoint on
     * {@code amqpPort} (every partition of {@code eventHub}).
     */
    public PhaseResult telemetry(int n, int amqpPort, String eventHub) throws Exception {
        try (HubTelemetryWorkload w = HubTelemetryWorkload.open(fleet, amqpPort, eventHub)) {
            runner.closed("warmup-d2c", "warm-up: telemetry", Math.min(n, WARM_UP), fleet.concurrency(), w.jobs(),
                    serverCpuSeconds);
            return runner.closed("d2c", String.format(Locale.ROOT,
                    "Hub telemetry (%d MQTT devices → Event Hubs consumer)", w.fleetSize()), n, fleet.concurrency(),
                    w.jobs(), serverCpuSeconds);
        }
    }

    /** {@code n} messages published by MQTT devices and read from a Kafka topic the hub routes them to. */
    public PhaseResult kafkaRoute(int n) throws Exception {
        try (HubKafkaRouteWorkload w = HubKafkaRouteWorkload.open(fleet)) {
            runner.closed("warmup-kafka", "warm-up: Kafka route", Math.min(n, WARM_UP), fleet.concurrency(),
                    w.jobs(), serverCpuSeconds);
            return runner.closed("kafka", String.format(Locale.ROOT,
                    "Hub telemetry via a Kafka route (%d MQTT devices → Kafka consumer)", w.fleetSize()), n,
                    fleet.concurrency(), w.jobs(), serverCpuSeconds);
        }
    }
}
