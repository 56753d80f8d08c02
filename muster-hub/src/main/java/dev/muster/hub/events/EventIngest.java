package dev.muster.hub.events;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.RouteDecision;
import dev.muster.core.hub.routing.RouteEndpoint;
import dev.muster.hub.routing.MessageRouter;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every message entering a built-in hub goes (device telemetry over any transport, twin changes, lifecycle
 * events): routed, then written to the hub's event stream (the partition is chosen by device ID) and to the outboxes of
 * the custom endpoints its routes name, and only then reported done, so a transport acknowledges the device only once
 * the message is on disk. Writes are grouped: while one write to a partition is in flight, the messages arriving for
 * it queue and go together in the next one (one transaction for many messages under load, no added delay when idle).
 * A partition whose queue is full refuses new messages rather than growing memory; the device retries.
 */
public final class EventIngest {
    private static final Logger LOG = LoggerFactory.getLogger(EventIngest.class);

    /**
     * @param blocking runs store writes (never the caller's event loop)
     * @param maxBatch messages per write transaction
     * @param maxQueued messages waiting per partition before new ones are refused
     */
    public record Options(HubEventStore events, EndpointOutbox outbox, MessageRouter router, Clock clock,
                          Executor blocking, int partitions, int maxBatch, int maxQueued) {
        public static final int DEFAULT_MAX_BATCH = 500;
        public static final int DEFAULT_MAX_QUEUED = 20_000;

        public Options {
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(router, "router");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(blocking, "blocking");
        }

        public static Options of(HubEventStore events, EndpointOutbox outbox, Clock clock, Executor blocking) {
            return new Options(events, outbox, MessageRouter.BUILT_IN_ONLY, clock, blocking,
                    EventStream.DEFAULT_PARTITIONS, DEFAULT_MAX_BATCH, DEFAULT_MAX_QUEUED);
        }

        public Options withRouter(MessageRouter r) {
            return new Options(events, outbox, r, clock, blocking, partitions, maxBatch, maxQueued);
        }

        public Options withPartitions(int n) {
            return new Options(events, outbox, router, clock, blocking, n, maxBatch, maxQueued);
        }

        public Options withQueueLimits(int batch, int queued) {
            return new Options(events, outbox, router, clock, blocking, partitions, batch, queued);
        }
    }

    /** Told after events were committed to a partition on this node (readers wake up without polling). */
    @FunctionalInterface
    public interface AppendListener {
        void appended(String hub, int partition, long lastSequence);
    }

    /** A message refused before it was written: the partition's queue is full. The device should retry. */
    public static final class IngestBusyException extends RuntimeException {
        IngestBusyException(String message) {
            super(message, null, false, false);
        }
    }

    private record Pending(String deviceId, EventContent content, CompletableFuture<Void> done) {}

    private record PartitionKey(String hub, int partition) {}

    /** One partition's waiting messages; {@code writing} is true while a write for it is queued or running. */
    private static final class PartitionQueue {
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        boolean writing;
    }

    private final Options options;
    private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    private final Map<PartitionKey, PartitionQueue> queues = new ConcurrentHashMap<>();
    private final List<AppendListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<Waiting>> waitingForStream = new java.util.HashMap<>();

    public EventIngest(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    public void addAppendListener(AppendListener l) {
        listeners.add(l);
    }

    public void removeAppendListener(AppendListener l) {
        listeners.remove(l);
    }

    /**
     * The hub's stream, created with the configured partition count the first time any node needs it. Blocking
     * (reads the store): call it off the event loop (a server calls it for its hubs at start).
     */
    public EventStream stream(String hub) {
        String key = hub.toLowerCase(java.util.Locale.ROOT);
        EventStream known = streams.get(key);
        if (known != null) {
            return known;
        }
        EventStream s = load(hub);
        synchronized (waitingForStream) {
            // Messages waiting for this stream go first (see resolve); they become known with it.
            if (!waitingForStream.containsKey(key)) {
                streams.putIfAbsent(key, s);
            }
        }
        return s;
    }

    private EventStream load(String hub) {
        return options.events().stream(hub).orElseGet(() -> {
            options.events().createStream(new EventStream(hub, options.partitions(), options.clock().instant()));
            return options.events().stream(hub).orElseThrow();
        });
    }

    /** The partition a device's messages go to: stable for the life of the stream, spread evenly by device ID. */
    public static int partitionOf(String deviceId, int partitionCount) {
        // String.hashCode is specified by the language, so every node and every release agrees.
        int h = deviceId.hashCode();
        h ^= (h >>> 16);
        h *= 0x45d9f3b;
        h ^= (h >>> 16);
        return Math.floorMod(h, partitionCount);
    }

    /**
     * Routes and writes one message of {@code deviceId} on {@code hub}. @return completes once the message is on disk
     * wherever its routes send it (or nowhere, if no route takes it); fails with {@link IngestBusyException} when the
     * partition is saturated, or with the store's error.
     */
    public CompletionStage<Void> ingest(String hub, String deviceId, EventContent content) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        String key = hub.toLowerCase(java.util.Locale.ROOT);
        EventStream known = streams.get(key);
        if (known != null) {
            enqueue(known, deviceId, content, done);
            return done;
        }
        // A hub this node has not written to yet: look its stream up off the caller's thread, and hold the messages
        // arriving meanwhile in order, so one device's messages never overtake each other.
        boolean lookUp;
        synchronized (waitingForStream) {
            known = streams.get(key);
            List<Waiting> waiting = waitingForStream.get(key);
            lookUp = known == null && waiting == null;
            if (known == null) {
                if (waiting == null) {
                    waiting = new ArrayList<>();
                    waitingForStream.put(key, waiting);
                }
                waiting.add(new Waiting(deviceId, content, done));
            }
        }
        if (known != null) {
            enqueue(known, deviceId, content, done);
        } else if (lookUp) {
            options.blocking().execute(() -> resolve(hub, key));
        }
        return done;
    }

    /** A message that arrived before its hub's stream was known on this node. */
    private record Waiting(String deviceId, EventContent content, CompletableFuture<Void> done) {}

    private void resolve(String hub, String key) {
        EventStream s;
        try {
            s = load(hub);
        } catch (RuntimeException e) {
            List<Waiting> failed;
            synchronized (waitingForStream) {
                failed = waitingForStream.remove(key);
            }
            failed.forEach(w -> w.done().completeExceptionally(e));
            return;
        }
        synchronized (waitingForStream) {
            // Queue the waiting messages before the stream becomes known: a message that finds the stream known
            // (without this lock) must come after them.
            EventStream stream = streams.getOrDefault(key, s);
            for (Waiting w : waitingForStream.remove(key)) {
                enqueue(stream, w.deviceId(), w.content(), w.done());
            }
            streams.putIfAbsent(key, stream);
        }
    }

    private void enqueue(EventStream stream, String deviceId, EventContent content,
                         CompletableFuture<Void> done) {
        PartitionKey key = new PartitionKey(stream.hub(), partitionOf(deviceId, stream.partitionCount()));
        PartitionQueue q = queues.computeIfAbsent(key, k -> new PartitionQueue());
        boolean startWriter;
        synchronized (q) {
            if (q.waiting.size() >= options.maxQueued()) {
                done.completeExceptionally(new IngestBusyException("The hub's partition " + key.partition()
                        + " has " + q.waiting.size() + " messages waiting to be written; retry."));
                return;
            }
            q.waiting.add(new Pending(deviceId, content, done));
            startWriter = !q.writing;
            q.writing = true;
        }
        if (startWriter) {
            options.blocking().execute(() -> drain(key, q));
        }
    }

    /** Writes the partition's waiting messages batch by batch until none wait. */
    private void drain(PartitionKey key, PartitionQueue q) {
        while (true) {
            List<Pending> batch = new ArrayList<>();
            synchronized (q) {
                while (batch.size() < options.maxBatch() && !q.waiting.isEmpty()) {
                    batch.add(q.waiting.poll());
                }
                if (batch.isEmpty()) {
                    q.writing = false;
                    return;
                }
            }
            write(key, batch);
        }
    }

    private void write(PartitionKey key, List<Pending> batch) {
        try {
            List<EventContent> builtIn = new ArrayList<>();
            Map<String, List<EventContent>> custom = new LinkedHashMap<>();
            for (Pending p : batch) {
                RouteDecision d = options.router().decide(key.hub(), p.content());
                if (d.builtInEvents()) {
                    builtIn.add(p.content());
                }
                for (RouteEndpoint e : d.customEndpoints()) {
                    custom.computeIfAbsent(e.name(), n -> new ArrayList<>()).add(p.content());
                }
            }
            var now = options.clock().instant();
            if (!custom.isEmpty()) {
                if (options.outbox() == null) {
                    throw new IllegalStateException("Routes name custom endpoints but this node has no outbox");
                }
                // Outboxes first: a crash between the two writes makes the device resend (it got no ack), and
                // the built-in stream then holds the message once, not zero times.
                custom.forEach((endpoint, messages) -> options.outbox().enqueue(key.hub(), endpoint, now, messages));
            }
            List<HubEvent> stored = builtIn.isEmpty() ? List.of()
                    : options.events().append(key.hub(), key.partition(), now, builtIn);
            if (!stored.isEmpty()) {
                long last = stored.get(stored.size() - 1).sequence();
                for (AppendListener l : listeners) {
                    try {
                        l.appended(key.hub(), key.partition(), last);
                    } catch (RuntimeException e) {
                        LOG.warn("an append listener failed: {}", e.toString());
                    }
                }
            }
            batch.forEach(p -> p.done().complete(null));
        } catch (RuntimeException e) {
            LOG.warn("could not write {} messages of hub {} partition {}: {}", batch.size(), key.hub(),
                    key.partition(), e.toString());
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }
}
