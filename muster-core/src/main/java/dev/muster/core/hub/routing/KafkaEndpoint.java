package dev.muster.core.hub.routing;

import java.util.Map;

/**
 * Messages produced to an Apache Kafka topic, keyed by device ID, with an idempotent producer.
 *
 * @param producerProperties extra producer settings (security.protocol, sasl.*, ...); kept sealed at rest
 */
public record KafkaEndpoint(String name, String bootstrapServers, String topic, Map<String, String> producerProperties)
        implements RouteEndpoint {
    public KafkaEndpoint {
        producerProperties = producerProperties == null ? Map.of() : Map.copyOf(producerProperties);
    }
}
