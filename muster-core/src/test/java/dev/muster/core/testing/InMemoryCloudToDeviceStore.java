package dev.muster.core.testing;

import dev.muster.core.hub.CloudToDeviceMessage;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.FeedbackEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CloudToDeviceStore} in memory, with the semantics of the JDBC store (the store contract suite runs the same
 * cases on both): depth-limited queues in sequence order, conditional locks, feedback per hub. Synchronized on the
 * store, which makes every method atomic. Kept beside {@link InMemoryStore} rather than in it, so the C2D queues are
 * one class with one job.
 */
public final class InMemoryCloudToDeviceStore implements CloudToDeviceStore {
    private static final class Row {
        CloudToDeviceMessage message;
        Instant visibleAt;

        Row(CloudToDeviceMessage message, Instant visibleAt) {
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    private static final class FeedbackRow {
        FeedbackEntry entry;
        Instant visibleAt;
        String lockToken;

        FeedbackRow(FeedbackEntry entry) {
            this.entry = entry;
            this.visibleAt = entry.enqueuedAt();
        }
    }

    private final Map<DeviceQueue, LinkedHashMap<String, Row>> queues = new HashMap<>();
    private final Map<DeviceQueue, Long> sequences = new HashMap<>();
    private final Map<String, LinkedHashMap<String, FeedbackRow>> feedback = new HashMap<>();

    @Override
    public synchronized boolean enqueue(CloudToDeviceMessage m, int maxDepth) {
        LinkedHashMap<String, Row> q = queues.computeIfAbsent(m.queue(), k -> new LinkedHashMap<>());
        if (q.size() >= maxDepth) {
            return false;
        }
        long sequence = sequences.merge(m.queue(), 1L, Long::sum);
        q.put(m.id(), new Row(new CloudToDeviceMessage(m.queue(), m.id(), sequence, m.content(),
                m.deviceGenerationId(), m.enqueuedAt(), m.expiresAt(), m.deliveryCount(), m.lockToken()),
                m.enqueuedAt()));
        return true;
    }

    @Override
    public synchronized Optional<CloudToDeviceMessage> lockNext(DeviceQueue queue, Instant now, Instant lockedUntil,
                                                                String lockToken) {
        for (Row r : rows(queue)) {
            if (!r.visibleAt.isAfter(now) && r.message.expiresAt().isAfter(now)) {
                r.visibleAt = lockedUntil;
                r.message = r.message.lockedBy(lockToken, r.message.sequence());
                return Optional.of(r.message);
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized boolean removeLocked(DeviceQueue queue, String id, String lockToken) {
        Row r = queues.getOrDefault(queue, new LinkedHashMap<>()).get(id);
        if (r == null || !lockToken.equals(r.message.lockToken())) {
            return false;
        }
        queues.get(queue).remove(id);
        return true;
    }

    @Override
    public synchronized boolean unlock(DeviceQueue queue, String id, String lockToken, Instant visibleAt,
                                       int deliveryCount) {
        Row r = queues.getOrDefault(queue, new LinkedHashMap<>()).get(id);
        if (r == null || !lockToken.equals(r.message.lockToken())) {
            return false;
        }
        CloudToDeviceMessage m = r.message;
        r.message = new CloudToDeviceMessage(m.queue(), m.id(), m.sequence(), m.content(), m.deviceGenerationId(),
                m.enqueuedAt(), m.expiresAt(), deliveryCount, null);
        r.visibleAt = visibleAt;
        return true;
    }

    @Override
    public synchronized boolean remove(DeviceQueue queue, String id) {
        LinkedHashMap<String, Row> q = queues.get(queue);
        return q != null && q.remove(id) != null;
    }

    @Override
    public synchronized List<CloudToDeviceMessage> messages(DeviceQueue queue) {
        return rows(queue).stream().map(r -> r.message).toList();
    }

    @Override
    public synchronized int depth(DeviceQueue queue) {
        return queues.getOrDefault(queue, new LinkedHashMap<>()).size();
    }

    @Override
    public synchronized java.util.Map<String, Integer> deviceDepths(String hub, java.util.Collection<String> deviceIds) {
        java.util.Map<String, Integer> out = new java.util.HashMap<>();
        for (String id : deviceIds) {
            int d = depth(DeviceQueue.device(hub, id));
            if (queues.containsKey(DeviceQueue.device(hub, id))) {
                out.put(id, d);
            }
        }
        return out;
    }

    @Override
    public synchronized List<CloudToDeviceMessage> expiredMessages(Instant now, int limit) {
        return queues.values().stream().flatMap(q -> q.values().stream()).map(r -> r.message)
                .filter(m -> !m.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(CloudToDeviceMessage::expiresAt).thenComparing(CloudToDeviceMessage::id))
                .limit(Math.max(0, limit)).toList();
    }

    @Override
    public synchronized List<DeviceQueue> queuesVisibleBetween(Instant after, Instant upTo, int limit) {
        LinkedHashSet<DeviceQueue> found = new LinkedHashSet<>();
        queues.forEach((queue, q) -> q.values().stream()
                .filter(r -> r.visibleAt.isAfter(after) && !r.visibleAt.isAfter(upTo))
                .findAny().ifPresent(r -> found.add(queue)));
        return found.stream().limit(Math.max(0, limit)).toList();
    }

    private List<Row> rows(DeviceQueue queue) {
        return queues.getOrDefault(queue, new LinkedHashMap<>()).values().stream()
                .sorted(Comparator.comparingLong(r -> r.message.sequence())).toList();
    }

    // ---- feedback ---------------------------------------------------------------------------------------------

    @Override
    public synchronized void addFeedback(FeedbackEntry entry) {
        feedback.computeIfAbsent(key(entry.hub()), k -> new LinkedHashMap<>()).put(entry.id(), new FeedbackRow(entry));
    }

    @Override
    public synchronized List<FeedbackEntry> lockFeedback(String hub, Instant now, Instant lockedUntil,
                                                         String lockToken, int max) {
        List<FeedbackEntry> locked = new ArrayList<>();
        for (FeedbackRow r : feedbackRows(hub)) {
            if (locked.size() >= max) {
                break;
            }
            if (!r.visibleAt.isAfter(now) && r.entry.expiresAt().isAfter(now)) {
                r.visibleAt = lockedUntil;
                r.lockToken = lockToken;
                locked.add(r.entry);
            }
        }
        return locked;
    }

    @Override
    public synchronized int removeFeedback(String hub, String lockToken) {
        LinkedHashMap<String, FeedbackRow> q = feedback.getOrDefault(key(hub), new LinkedHashMap<>());
        int before = q.size();
        q.values().removeIf(r -> lockToken.equals(r.lockToken));
        return before - q.size();
    }

    @Override
    public synchronized int releaseFeedback(String hub, String lockToken, Instant visibleAt, int maxDeliveryCount) {
        LinkedHashMap<String, FeedbackRow> q = feedback.getOrDefault(key(hub), new LinkedHashMap<>());
        int back = 0;
        for (var it = q.values().iterator(); it.hasNext(); ) {
            FeedbackRow r = it.next();
            if (!lockToken.equals(r.lockToken)) {
                continue;
            }
            FeedbackEntry e = r.entry;
            if (e.deliveryCount() + 1 >= maxDeliveryCount) {
                it.remove();
                continue;
            }
            r.entry = new FeedbackEntry(e.hub(), e.id(), e.record(), e.enqueuedAt(), e.expiresAt(),
                    e.deliveryCount() + 1);
            r.visibleAt = visibleAt;
            r.lockToken = null;
            back++;
        }
        return back;
    }

    @Override
    public synchronized int pruneFeedback(Instant now) {
        int removed = 0;
        for (LinkedHashMap<String, FeedbackRow> q : feedback.values()) {
            int before = q.size();
            q.values().removeIf(r -> !r.entry.expiresAt().isAfter(now));
            removed += before - q.size();
        }
        return removed;
    }

    private List<FeedbackRow> feedbackRows(String hub) {
        return feedback.getOrDefault(key(hub), new LinkedHashMap<>()).values().stream()
                .sorted(Comparator.comparing((FeedbackRow r) -> r.entry.enqueuedAt()).thenComparing(r -> r.entry.id()))
                .toList();
    }

    private static String key(String hub) {
        return hub.toLowerCase(Locale.ROOT);
    }
}
