package dev.muster.core.testing;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.hub.routing.OutboxEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * {@link EndpointOutbox} in memory with the JDBC store's semantics (the same contract runs on both): due order,
 * conditional locks, dead letters kept with their ids. Synchronized on the store, which makes every method atomic.
 */
public final class InMemoryEndpointOutbox implements EndpointOutbox {
    private record Row(OutboxEntry entry, Instant dueAt, String lockToken) {}

    private final TreeMap<Long, Row> waiting = new TreeMap<>();
    private final TreeMap<Long, OutboxEntry> dead = new TreeMap<>();
    private long nextId = 1;

    private static String key(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }

    private static boolean of(OutboxEntry e, String hub, String endpoint) {
        return e.hub().equals(key(hub)) && (endpoint == null || e.endpoint().equals(endpoint));
    }

    @Override
    public synchronized void enqueue(String hub, String endpoint, Instant enqueuedTime, List<EventContent> messages) {
        for (EventContent m : messages) {
            long id = nextId++;
            waiting.put(id, new Row(new OutboxEntry(key(hub), endpoint, id, enqueuedTime, 0, enqueuedTime, null, m),
                    enqueuedTime, null));
        }
    }

    @Override
    public synchronized List<OutboxEntry> lockDue(String hub, String endpoint, Instant now, Instant lockedUntil,
                                                  String lockToken, int max) {
        List<Row> due = waiting.values().stream()
                .filter(r -> of(r.entry(), hub, endpoint) && !r.dueAt().isAfter(now))
                .sorted(Comparator.comparing(Row::dueAt).thenComparing(r -> r.entry().id()))
                .limit(max).toList();
        List<OutboxEntry> locked = new ArrayList<>();
        for (Row r : due) {
            OutboxEntry e = r.entry();
            OutboxEntry shown = new OutboxEntry(e.hub(), e.endpoint(), e.id(), e.enqueuedTime(), e.attempts(),
                    r.dueAt(), e.lastError(), e.content());
            waiting.put(e.id(), new Row(shown, lockedUntil, lockToken));
            locked.add(shown);
        }
        return locked;
    }

    @Override
    public synchronized int remove(String hub, String endpoint, List<Long> ids, String lockToken) {
        int removed = 0;
        for (long id : ids) {
            if (heldBy(id, hub, endpoint, lockToken) != null) {
                waiting.remove(id);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public synchronized boolean retryLater(String hub, String endpoint, long id, String lockToken,
                                           Instant nextAttemptAt, String error) {
        Row r = heldBy(id, hub, endpoint, lockToken);
        if (r == null) {
            return false;
        }
        OutboxEntry e = r.entry();
        waiting.put(id, new Row(new OutboxEntry(e.hub(), e.endpoint(), id, e.enqueuedTime(), e.attempts() + 1,
                nextAttemptAt, error, e.content()), nextAttemptAt, null));
        return true;
    }

    @Override
    public synchronized boolean deadLetter(String hub, String endpoint, long id, String lockToken, String error) {
        Row r = heldBy(id, hub, endpoint, lockToken);
        if (r == null) {
            return false;
        }
        OutboxEntry e = r.entry();
        waiting.remove(id);
        dead.put(id, new OutboxEntry(e.hub(), e.endpoint(), id, e.enqueuedTime(), e.attempts() + 1, Instant.now(),
                error, e.content()));
        return true;
    }

    private Row heldBy(long id, String hub, String endpoint, String lockToken) {
        Row r = waiting.get(id);
        return r != null && of(r.entry(), hub, endpoint) && lockToken.equals(r.lockToken()) ? r : null;
    }

    @Override
    public synchronized List<OutboxEntry> deadLetters(String hub, String endpoint, long afterId, int max) {
        return dead.tailMap(afterId, false).values().stream().filter(e -> of(e, hub, endpoint)).limit(max).toList();
    }

    @Override
    public synchronized int replay(String hub, String endpoint, List<Long> ids, Instant now) {
        int replayed = 0;
        for (long id : ids) {
            OutboxEntry e = dead.get(id);
            if (e != null && of(e, hub, endpoint)) {
                dead.remove(id);
                waiting.put(id, new Row(new OutboxEntry(e.hub(), e.endpoint(), id, e.enqueuedTime(), 0, now,
                        e.lastError(), e.content()), now, null));
                replayed++;
            }
        }
        return replayed;
    }

    @Override
    public synchronized long backlog(String hub, String endpoint) {
        return waiting.values().stream().filter(r -> of(r.entry(), hub, endpoint)).count();
    }
}
