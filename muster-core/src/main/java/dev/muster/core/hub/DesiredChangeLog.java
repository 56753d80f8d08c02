package dev.muster.core.hub;

import java.time.Instant;
import java.util.List;

/**
 * Where the nodes of one deployment leave desired-property changes for each other: the node that changed a twin
 * appends, every node reads what is recent ({@link DesiredChangeRelay} polls). A push-based transport (PostgreSQL
 * LISTEN/NOTIFY, a message bus) can wake the relay up early, but the log stays the source of truth.
 */
public interface DesiredChangeLog {
    /** Appends a change; appending the same hub, device and desired version again changes nothing. */
    void appendDesiredChange(DesiredChange change);

    /** Changes with {@code changedAt} at or after {@code since}, oldest first, at most {@code limit}. */
    List<DesiredChange> desiredChangesSince(Instant since, int limit);

    /** Removes changes older than {@code before}; returns how many. */
    int pruneDesiredChanges(Instant before);
}
