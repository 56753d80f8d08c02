package dev.muster.hub;

import dev.muster.core.hub.events.EventContent;
import dev.muster.hub.events.EventIngest;
import dev.muster.hub.telemetry.TelemetryIngest;
import dev.muster.hub.telemetry.TelemetrySender;
import dev.muster.hub.telemetry.TelemetryStamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device-to-cloud messages as the hub's transports receive them: stamped, handed to the hub's event ingest, and once
 * that has made them durable, shown to whoever listens (the live monitor stream). Without an ingest (a hub without
 * event streams, as in unit tests) messages only reach the listeners.
 */
public final class TelemetryBus {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryBus.class);
    private static final TelemetryIngest LISTENERS_ONLY = (hub, device, module, content) ->
            CompletableFuture.completedFuture(null);

    private final List<Consumer<TelemetryMessage>> listeners = new CopyOnWriteArrayList<>();
    private volatile TelemetryIngest ingest = LISTENERS_ONLY;

    public TelemetryBus ingestInto(TelemetryIngest ingest) {
        this.ingest = ingest;
        return this;
    }

    /** The node's event ingest (set once by the server that owns the store). */
    public TelemetryBus ingestInto(EventIngest eventIngest) {
        return ingestInto((hub, deviceId, moduleId, content) -> eventIngest.ingest(hub, deviceId, content));
    }

    public void addTelemetryListener(Consumer<TelemetryMessage> l) { listeners.add(l); }

    public void removeTelemetryListener(Consumer<TelemetryMessage> l) { listeners.remove(l); }

    /**
     * Takes in what one device sent (one message, or an HTTPS batch): the stage completes when every message is
     * durable; a transport acknowledges the device only then. It fails with a {@link HubError} 413001 when the
     * message or the batch is over IoT Hub's 256 KB, before anything is ingested.
     */
    public CompletionStage<Void> receive(TelemetrySender sender, Instant enqueuedTime, List<EventContent> sent) {
        List<TelemetryMessage> stamped = new ArrayList<>(sent.size());
        try {
            TelemetryStamp.requireWithinLimit(sent);
            for (EventContent c : sent) {
                stamped.add(new TelemetryMessage(sender.key().hub(), sender.key().deviceId(), sender.key().moduleId(),
                        enqueuedTime, TelemetryStamp.stamp(sender, enqueuedTime, c)));
            }
        } catch (HubError e) {
            return CompletableFuture.failedFuture(e);
        }
        // One after the other: a device's messages go to one partition in the order it sent them.
        CompletionStage<Void> all = CompletableFuture.completedFuture(null);
        for (TelemetryMessage m : stamped) {
            all = all.thenCompose(v -> ingest.ingest(m.hub(), m.deviceId(), m.moduleId(), m.content()));
        }
        return all.handle((v, failure) -> {
            if (failure == null) {
                stamped.forEach(this::telemetryReceived);
                return null;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            // A saturated ingest is IoT Hub's throttling: the device backs off and resends.
            throw cause instanceof EventIngest.IngestBusyException
                    ? new HubError(HubErrorCode.THROTTLING, cause.getMessage())
                    : failure instanceof CompletionException c ? c : new CompletionException(cause);
        });
    }

    /** A listener that fails does not undo the message: it is durable already. */
    public void telemetryReceived(TelemetryMessage message) {
        for (Consumer<TelemetryMessage> l : listeners) {
            try {
                l.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("a telemetry listener failed on a message of {}: {}", message.deviceId(), e.toString());
            }
        }
    }
}
