package dev.muster.hub.routing.delivery;

import dev.muster.core.hub.events.SystemProperties;
import dev.muster.core.hub.routing.KafkaEndpoint;
import dev.muster.core.hub.routing.OutboxEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces each entry to the endpoint's topic with one idempotent producer ({@code enable.idempotence=true},
 * {@code acks=all}): key the device ID (UTF-8), value the body's bytes, headers the message's properties
 * ({@link EndpointHeaders}, values UTF-8). An entry counts as delivered only once the broker acknowledged it. Entries
 * are retried until delivered (a broker that is down comes back), except records the broker can never take.
 */
final class KafkaSender implements EndpointSender {
    /** Time-outs well inside the outbox lock, so a send always settles before another node may take the entry. */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaEndpoint endpoint;
    private final Producer<byte[], byte[]> producer;
    private final int batchSize;

    KafkaSender(KafkaEndpoint endpoint, int batchSize) {
        this.endpoint = endpoint;
        this.batchSize = batchSize;
        this.producer = new KafkaProducer<>(properties(endpoint), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Properties properties(KafkaEndpoint endpoint) {
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "muster-" + endpoint.name());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT.toMillis() / 2));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT.toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(BLOCK_TIMEOUT.toMillis()));
        p.putAll(endpoint.producerProperties());
        // Not overridable: they are what makes "removed from the outbox once the broker has it, once" hold.
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(OutboxEntry entry) {
        String deviceId = entry.content().systemProperty(SystemProperties.CONNECTION_DEVICE_ID);
        if (deviceId == null) {
            deviceId = entry.content().systemProperty(SystemProperties.DEVICE_ID); // twin-change, lifecycle events
        }
        List<Header> headers = new ArrayList<>();
        EndpointHeaders.of(entry.content()).forEach((name, value) ->
                headers.add(new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8))));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(endpoint.topic(), null,
                deviceId == null ? null : deviceId.getBytes(StandardCharsets.UTF_8), entry.content().body(), headers);
        CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, failure) -> result.complete(failure == null ? DeliveryResult.DELIVERED
                    : outcome(failure)));
        } catch (RuntimeException failure) {
            // send() itself throws when the topic's metadata cannot be had within max.block.ms, or the record is bad.
            result.complete(outcome(failure));
        }
        return result;
    }

    /**
     * {@code send} blocks up to max.block.ms for the topic's metadata, per record: with no broker, a batch would hold
     * the delivery thread for minutes. The metadata is asked for once per batch instead (at once when cached).
     */
    @Override
    public List<CompletableFuture<DeliveryResult>> sendAll(List<OutboxEntry> batch) {
        try {
            producer.partitionsFor(endpoint.topic());
        } catch (RuntimeException failure) {
            DeliveryResult r = outcome(failure);
            return batch.stream().map(e -> CompletableFuture.completedFuture(r)).toList();
        }
        return batch.stream().map(this::send).toList();
    }

    static DeliveryResult outcome(Throwable failure) {
        String error = "Kafka: " + failure.getClass().getSimpleName() + " " + failure.getMessage();
        if (failure instanceof RecordTooLargeException || failure instanceof InvalidTopicException
                || failure instanceof org.apache.kafka.common.errors.SerializationException) {
            return new DeliveryResult.Rejected(error);
        }
        return new DeliveryResult.Retry(error);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int maxAttempts() {
        return Integer.MAX_VALUE;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
