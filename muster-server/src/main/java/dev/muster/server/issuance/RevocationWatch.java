package dev.muster.server.issuance;

import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.Revocation;
import dev.muster.hub.CertificateSessions;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the live hub sessions of revoked certificates, on every node: nodes share only the database, so each asks
 * it every {@link #EVERY} for the certificates revoked since its last look and closes its own sessions that
 * presented one. The look reaches {@link #OVERLAP} further back than the last one: revocation times are written by
 * whichever node revoked, whose clock may run behind this one's, and a device admitted just as its certificate was
 * revoked may be listed only after the revocation was first seen. Closing twice is harmless (the second finds
 * nothing: the hub refuses the certificate at reconnection).
 */
public final class RevocationWatch implements AutoCloseable {
    public static final Duration EVERY = Duration.ofSeconds(2);
    static final Duration OVERLAP = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RevocationWatch.class);

    private final IssuanceStore store;
    private final List<CertificateSessions> transports;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant lastLook;
    private Vertx vertx;
    private long timer = -1;

    public RevocationWatch(IssuanceStore store, List<CertificateSessions> transports, Clock clock) {
        this.store = store;
        this.transports = List.copyOf(transports);
        this.clock = clock;
        this.lastLook = clock.instant();
    }

    /** Looks every {@link #EVERY} on {@code blocking}; a look still running when the next is due is not doubled. */
    public static RevocationWatch start(Vertx vertx, Blocking blocking, RevocationWatch watch) {
        watch.vertx = vertx;
        watch.timer = vertx.setPeriodic(EVERY.toMillis(), id -> {
            if (watch.running.compareAndSet(false, true)) {
                blocking.run(() -> watch.look()).onComplete(ar -> {
                    watch.running.set(false);
                    if (ar.failed()) {
                        LOG.warn("could not look for revoked certificates: {}", ar.cause().toString());
                    }
                });
            }
        });
        return watch;
    }

    /** One look: the sessions closed. */
    int look() {
        Instant now = clock.instant();
        List<Revocation> revoked = store.revokedSince(lastLook.minus(OVERLAP));
        lastLook = now;
        if (revoked.isEmpty()) {
            return 0;
        }
        Set<String> thumbprints = revoked.stream().map(Revocation::sha256Thumbprint).collect(Collectors.toSet());
        int closed = 0;
        for (CertificateSessions t : transports) {
            closed += t.closeSessionsWith(thumbprints, "its client certificate was revoked");
        }
        if (closed > 0) {
            LOG.info("closed {} hub session(s) of revoked certificates", closed);
        }
        return closed;
    }

    @Override
    public void close() {
        if (vertx != null && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
