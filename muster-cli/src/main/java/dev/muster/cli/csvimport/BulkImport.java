package dev.muster.cli.csvimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends enrollments through the bulk API, {@link #BATCH} per call with several calls in flight. A call answered
 * 429 or 503 is retried after its Retry-After; a call that gets no answer is retried a few times. When a whole call
 * fails in a way every other call would too (no answer, 401, 403, 404) the import stops: the items not sent are
 * reported, so a re-run finishes the job.
 */
public final class BulkImport implements dev.muster.cli.bench.Progress.Counts {
    /** Items per bulk call: the API's limit. */
    public static final int BATCH = 10;
    private static final int ATTEMPTS = 8;
    /** How the message of an item that was never sent starts. */
    public static final String NOT_SENT = "not sent: ";

    /** Sends one bulk request body and returns the answer, or throws {@link Failure}. */
    @FunctionalInterface
    public interface Sender {
        JsonNode send(ObjectNode body);
    }

    /** A call that failed: the HTTP status (0 = no answer), Retry-After seconds (-1 = none) and the message. */
    public static final class Failure extends RuntimeException {
        final int status;
        final long retryAfterSeconds;

        public Failure(int status, long retryAfterSeconds, String message) {
            super(message);
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /** An item the server refused (or that was never sent), with the reason. */
    public record ItemError(int line, String registrationId, int errorCode, String message) {}

    /** What happened: items that succeeded, items that already existed (mode create), and the rest. */
    public record Summary(int rows, long succeeded, long alreadyExisted, List<ItemError> errors, double seconds,
                          String stoppedBecause, boolean unreachable) {}

    private final Sender sender;
    private final String mode;
    private final int parallel;
    private final long retryPauseMillis;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong existing = new AtomicLong();
    private final ConcurrentLinkedQueue<ItemError> errors = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private final AtomicReference<String> stopped = new AtomicReference<>();

    public BulkImport(Sender sender, String mode, int parallel, long retryPauseMillis) {
        this.sender = sender;
        this.mode = mode;
        this.parallel = parallel;
        this.retryPauseMillis = retryPauseMillis;
    }

    @Override
    public long done() {
        return done.get();
    }

    @Override
    public long failures() {
        return failed.get();
    }

    public Summary run(List<EnrollmentRows.Item> items) throws InterruptedException {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "bulk-import");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < items.size(); i += BATCH) {
                List<EnrollmentRows.Item> batch = items.subList(i, Math.min(items.size(), i + BATCH));
                pool.execute(() -> sendBatch(batch));
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                // a very long import
            }
        } finally {
            pool.shutdownNow();
        }
        List<ItemError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ItemError::line));
        long ok = done.get() - failed.get() - existing.get();
        return new Summary(items.size(), ok, existing.get(), sorted, (System.nanoTime() - start) / 1e9, stopped.get(),
                unreachable.get());
    }

    private void sendBatch(List<EnrollmentRows.Item> batch) {
        String stop = stopped.get();
        if (stop != null) {
            batch.forEach(item -> fail(item, 0, NOT_SENT + stop));
            return;
        }
        ObjectNode body = Json.object().put("mode", mode);
        ArrayNode list = body.putArray("enrollments");
        batch.forEach(item -> list.add(mode.equals("delete") ? Json.object().put("registrationId", item.registrationId())
                : item.document()));
        JsonNode answer;
        try {
            answer = sendWithRetries(body);
        } catch (Failure f) {
            if (f.status == 0 || f.status == 401 || f.status == 403 || f.status == 404) {
                unreachable.compareAndSet(false, f.status == 0);
                stopped.compareAndSet(null, f.getMessage());
            }
            batch.forEach(item -> fail(item, f.status, f.getMessage()));
            return;
        }
        Map<String, JsonNode> refused = new HashMap<>();
        answer.path("errors").forEach(e -> refused.put(e.path("registrationId").asText().toLowerCase(Locale.ROOT), e));
        for (EnrollmentRows.Item item : batch) {
            JsonNode e = refused.get(item.registrationId().toLowerCase(Locale.ROOT));
            if (e == null) {
                done.incrementAndGet();
                continue;
            }
            int code = e.path("errorCode").asInt();
            if (mode.equals("create") && (code == 409 || code / 1000 == 409)) {
                existing.incrementAndGet();
                done.incrementAndGet();
            } else {
                fail(item, code, e.path("errorStatus").asText(e.path("message").asText("refused")));
            }
        }
    }

    private JsonNode sendWithRetries(ObjectNode body) {
        Failure last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return sender.send(body);
            } catch (Failure f) {
                last = f;
                boolean busy = f.status == 429 || f.status == 503;
                boolean noAnswer = f.status == 0;
                if (!busy && !(noAnswer && attempt < 3)) {
                    throw f;
                }
                long pause = f.retryAfterSeconds >= 0 ? f.retryAfterSeconds * 1000 : retryPauseMillis * attempt;
                try {
                    Thread.sleep(Math.max(pause, retryPauseMillis));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw f;
                }
            }
        }
        throw last;
    }

    private void fail(EnrollmentRows.Item item, int code, String message) {
        errors.add(new ItemError(item.line(), item.registrationId(), code, message));
        failed.incrementAndGet();
        done.incrementAndGet();
    }
}
