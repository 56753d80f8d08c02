package dev.muster.hub.amqp;

import dev.muster.hub.c2d.FeedbackBatch;
import dev.muster.hub.c2d.FeedbackQueue;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import io.vertx.proton.ProtonDelivery;
import io.vertx.proton.ProtonSender;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's receiver link on {@code /messages/servicebound/feedback}: the hub's feedback records go out in batches,
 * one batch at a time while the service gives credit. The service's {@code accepted} (or {@code rejected}) removes
 * the batch; {@code released}, {@code modified} or the link going away puts it back for the next receiver. Records
 * written by other nodes are found by polling every {@link #POLL_MILLIS} while the link is idle.
 */
final class FeedbackLink {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackLink.class);
    static final String ADDRESS = "messages/servicebound/feedback";
    static final long POLL_MILLIS = 1000;

    private final HubAmqpConnection connection;
    private final FeedbackQueue feedback;
    private final Blocking blocking;
    private ProtonSender sender;
    private FeedbackBatch inFlight;
    private boolean fetching;
    private boolean fetchAgain;
    private boolean closed;
    private long timer = -1;

    FeedbackLink(HubAmqpConnection connection, FeedbackQueue feedback, Blocking blocking) {
        this.connection = connection;
        this.feedback = feedback;
        this.blocking = blocking;
    }

    String hub() {
        return connection.hub();
    }

    void onContext(Runnable work) {
        connection.onContext(work);
    }

    void attach(ProtonSender sender) {
        this.sender = sender;
        sender.setSource(sender.getRemoteSource());
        sender.setTarget(sender.getRemoteTarget());
        sender.sendQueueDrainHandler(s -> pull());
        sender.closeHandler(ar -> {
            sender.close();
            closed();
        });
        sender.detachHandler(ar -> {
            sender.detach();
            closed();
        });
        sender.open();
        Vertx vertx = connection.vertx();
        timer = vertx.setPeriodic(POLL_MILLIS, id -> pull());
        pull();
    }

    /** Sends the next batch if the service has credit and holds none; runs on the connection's context. */
    void pull() {
        if (closed || sender == null || !sender.isOpen()) {
            return;
        }
        if (fetching) {
            fetchAgain = true;
            return;
        }
        if (inFlight != null || sender.sendQueueFull()) {
            return;
        }
        if (!connection.serviceAuthorized()) {
            return; // the token expired: nothing more until the service renews it
        }
        fetching = true;
        fetchAgain = false;
        blocking.run(() -> feedback.next(hub())).onComplete(ar -> connection.onContext(() -> {
            fetching = false;
            if (ar.failed()) {
                LOG.warn("could not read the feedback of hub {}: {}", hub(), ar.cause().toString());
                return;
            }
            if (ar.result().isEmpty()) {
                if (fetchAgain) {
                    pull();
                }
                return;
            }
            FeedbackBatch batch = ar.result().get();
            if (closed || !sender.isOpen()) {
                release(batch);
                return;
            }
            inFlight = batch;
            sender.send(C2dAmqpMessages.feedback(batch), delivery -> settled(batch, delivery));
        }));
    }

    private void settled(FeedbackBatch batch, ProtonDelivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (inFlight != batch || (state == null && !delivery.remotelySettled())) {
            return;
        }
        inFlight = null;
        if (state instanceof Accepted || state instanceof Rejected) {
            blocking.run(() -> {
                feedback.complete(batch);
                return null;
            }).onComplete(ar -> connection.onContext(this::pull));
        } else {
            release(batch);
        }
    }

    private void release(FeedbackBatch batch) {
        blocking.run(() -> {
            feedback.release(batch);
            return null;
        }).onFailure(e -> LOG.debug("could not put feedback of hub {} back: {}", hub(), e.toString()));
    }

    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer >= 0) {
            connection.vertx().cancelTimer(timer);
            timer = -1;
        }
        connection.feedbackLinkClosed(this);
        if (inFlight != null) {
            release(inFlight);
            inFlight = null;
        }
    }
}
