package dev.muster.cli.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs of a hub workload whose end is seen elsewhere (a device or a consumer receiving what the job sent), by the
 * key the message carries: each ends once, as a success with its latency or as an error of a kind.
 */
final class InFlightJobs {
    private record Pending(Recorder recorder, long originNanos, Runnable finished) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    void started(String key, Recorder recorder, long originNanos, Runnable finished) {
        pending.put(key, new Pending(recorder, originNanos, finished));
    }

    /** The message of job {@code key} arrived; a key not (or no longer) in flight is ignored. */
    void arrived(String key) {
        Pending p = key == null ? null : pending.remove(key);
        if (p != null) {
            p.recorder().success(System.nanoTime() - p.originNanos());
            p.finished().run();
        }
    }

    /** Job {@code key} failed before its message could arrive (counted once, under {@code kind}). */
    void failed(String key, String kind) {
        Pending p = pending.remove(key);
        if (p != null) {
            p.recorder().error(kind);
            p.finished().run();
        }
    }
}
