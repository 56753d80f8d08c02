package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.hub.DesiredChange;
import dev.muster.core.hub.DesiredChangeLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries desired-property changes between the nodes of one deployment, so a device gets its push whichever node
 * holds its MQTT connection. Changes made on this node are appended to the shared {@link DesiredChangeLog} (and
 * pushed locally by the hub registry as before); {@link #poll()} reads the log's recent rows and hands every change
 * this node has not pushed yet to {@code local}.
 *
 * <p>Each poll reads back {@link #OVERLAP} before the previous one started, so a change committed late, or stamped by
 * a node whose clock runs up to that much behind, is still seen; changes already pushed are recognised by hub,
 * device, module and desired version and not pushed twice. A change therefore reaches a device connected elsewhere within
 * one poll interval plus the database's commit latency.
 */
public final class DesiredChangeRelay implements TwinListener {
    public static final Duration OVERLAP = Duration.ofSeconds(10);
    /** Changes older than this are deleted from the log (devices that reconnect read their whole twin anyway). */
    public static final Duration RETENTION = Duration.ofMinutes(10);
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);
    private static final int PAGE = 500;

    private final DesiredChangeLog log;
    private final Clock clock;
    private final TwinListener local;
    /** hub|device|module|version of every change pushed (or made) here within the overlap, with when it was seen. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private Instant readFrom;
    private Instant lastPrune;

    /** @param local the listener that pushes to this node's device connections (the hub MQTT endpoint) */
    public DesiredChangeRelay(DesiredChangeLog log, Clock clock, TwinListener local) {
        this.log = log;
        this.clock = clock;
        this.local = local;
        this.readFrom = clock.instant();
        this.lastPrune = readFrom;
    }

    /** A change made on this node: already pushed here by the registry; left in the log for the other nodes. */
    @Override
    public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
        made(hub, deviceId, null, patch);
    }

    /** A module twin's change made on this node, as {@link #desiredChanged}. */
    @Override
    public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
        made(hub, deviceId, moduleId, patch);
    }

    private void made(String hub, String deviceId, String moduleId, ObjectNode patch) {
        long version = patch.path("$version").asLong();
        Instant now = clock.instant();
        seen.put(key(hub, deviceId, moduleId, version), now);
        log.appendDesiredChange(new DesiredChange(hub, deviceId, moduleId, version, now, patch));
    }

    /** Pushes the changes other nodes made since the last poll; returns how many were pushed. */
    public synchronized int poll() {
        Instant started = clock.instant();
        Instant from = readFrom.minus(OVERLAP);
        int pushed = 0;
        while (true) {
            List<DesiredChange> page = log.desiredChangesSince(from, PAGE);
            for (DesiredChange c : page) {
                if (seen.putIfAbsent(key(c.hub(), c.deviceId(), c.moduleId(), c.desiredVersion()), started) == null) {
                    if (c.moduleId() == null) {
                        local.desiredChanged(c.hub(), c.deviceId(), c.patch());
                    } else {
                        local.moduleDesiredChanged(c.hub(), c.deviceId(), c.moduleId(), c.patch());
                    }
                    pushed++;
                }
            }
            Instant last = page.isEmpty() ? from : page.get(page.size() - 1).changedAt();
            if (page.size() < PAGE || !last.isAfter(from)) {
                break;
            }
            from = last;
        }
        readFrom = started;
        Instant forgetBefore = started.minus(OVERLAP.multipliedBy(3));
        seen.values().removeIf(t -> t.isBefore(forgetBefore));
        if (Duration.between(lastPrune, started).compareTo(PRUNE_EVERY) >= 0) {
            lastPrune = started;
            log.pruneDesiredChanges(started.minus(RETENTION));
        }
        return pushed;
    }

    /** Device and module IDs contain neither '|' nor '/', so the key names exactly one twin and version. */
    private static String key(String hub, String deviceId, String moduleId, long version) {
        return hub.toLowerCase(java.util.Locale.ROOT) + "|" + deviceId + (moduleId == null ? "" : "/" + moduleId)
                + "|" + version;
    }
}
