package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionState;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * Answers the runtime-information requests of {@code $management} (reference §6.2): {@code READ} of
 * {@code com.microsoft:eventhub} (name, created_at, partition_count, partition_ids) and {@code com.microsoft:partition}
 * (name, partition, begin/last sequence numbers, last offset, last enqueued time, is_partition_empty), each checked
 * against its {@code security_token}. The answer carries {@code status-code} (int), {@code status-description},
 * {@code error-condition} when it failed, correlation-id = the request's message-id, and the values in an
 * {@code amqp-value} map with string keys, typed as Java's deserializer casts them (timestamps, long, string[]).
 * Runs on a worker thread: it reads the store.
 */
final class ManagementRequests {
    static final String EVENTHUB_TYPE = "com.microsoft:eventhub";
    static final String PARTITION_TYPE = "com.microsoft:partition";

    /** Whether a security token may read the hub's runtime information; the reason when not. */
    interface TokenCheck {
        Optional<String> refusal(String hub, String token);
    }

    private final HubEventStore store;
    private final TokenCheck tokens;
    private final Clock clock;

    ManagementRequests(HubEventStore store, TokenCheck tokens, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    Message answer(String hub, Message request) {
        Object requestId = request.getMessageId() != null ? request.getMessageId() : request.getCorrelationId();
        try {
            return reply(requestId, 200, "OK", null, read(hub, appProperties(request)));
        } catch (EventHubsError e) {
            return reply(requestId, status(e), e.getMessage(), e.condition().toString(), null);
        }
    }

    private Map<String, Object> read(String hub, Map<String, Object> app) {
        if (!"READ".equals(app.get("operation"))) {
            throw EventHubsError.argument("The management operation '" + app.get("operation")
                    + "' is not supported; only READ is.");
        }
        Object token = app.get("security_token");
        Optional<String> refusal = tokens.refusal(hub, token == null ? null : token.toString());
        if (refusal.isPresent()) {
            throw new EventHubsError(EventHubsError.UNAUTHORIZED, "Unauthorized: " + refusal.get() + ".");
        }
        String name = app.get("name") == null ? null : app.get("name").toString();
        if (!EventHubNames.matches(hub, name)) {
            throw EventHubsError.entityNotFound("sb://" + hub + "/" + name);
        }
        EventStream stream = store.stream(hub).orElseThrow(() -> EventHubsError.entityNotFound("sb://" + hub + "/" + name));
        Object type = app.get("type");
        if (EVENTHUB_TYPE.equals(type)) {
            return hubProperties(name, stream);
        }
        if (PARTITION_TYPE.equals(type)) {
            int partition = Partitions.parse(app.get("partition") == null ? null : app.get("partition").toString(),
                    stream);
            return partitionProperties(name, store.partition(hub, partition));
        }
        throw EventHubsError.argument("The management entity type '" + type + "' is not supported.");
    }

    /**
     * {@code name} is the Event Hub name the client asked for (it matched case-insensitively); partition_count and
     * type are read by JS only (unconfirmed: their AMQP types, int and string here). No georeplication_factor: the
     * endpoint offers no geo-replication, so JS reads isGeoDrEnabled false.
     */
    private static Map<String, Object> hubProperties(String name, EventStream stream) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("type", EVENTHUB_TYPE);
        v.put("created_at", Date.from(stream.createdAt()));
        v.put("partition_count", stream.partitionCount());
        String[] ids = new String[stream.partitionCount()];
        for (int p = 0; p < ids.length; p++) {
            ids[p] = Integer.toString(p);
        }
        v.put("partition_ids", ids);
        return v;
    }

    private Map<String, Object> partitionProperties(String name, PartitionState state) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("type", PARTITION_TYPE);
        v.put("partition", Integer.toString(state.partition()));
        v.put("begin_sequence_number", state.beginSequence());
        v.put("last_enqueued_sequence_number", state.lastSequence());
        v.put("last_enqueued_offset", Long.toString(state.lastSequence()));
        v.put("last_enqueued_time_utc", Date.from(EventMessages.lastEnqueuedTime(state)));
        v.put("is_partition_empty", state.empty());
        v.put("runtime_info_retrieval_time_utc", Date.from(clock.instant()));
        return v;
    }

    private static int status(EventHubsError e) {
        if (e.condition().equals(EventHubsError.NOT_FOUND)) {
            return 404;
        }
        return e.condition().equals(EventHubsError.UNAUTHORIZED) ? 401 : 400;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> appProperties(Message request) {
        ApplicationProperties p = request.getApplicationProperties();
        return p == null || p.getValue() == null ? Map.of() : (Map<String, Object>) p.getValue();
    }

    static Message reply(Object requestId, int status, String description, String condition, Map<String, Object> body) {
        Message m = Message.Factory.create();
        Properties p = new Properties();
        p.setCorrelationId(requestId);
        m.setProperties(p);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("status-code", status);
        app.put("status-description", description);
        if (condition != null) {
            app.put("error-condition", condition);
        }
        m.setApplicationProperties(new ApplicationProperties(app));
        if (body != null) {
            m.setBody(new AmqpValue(body));
        }
        return m;
    }
}
