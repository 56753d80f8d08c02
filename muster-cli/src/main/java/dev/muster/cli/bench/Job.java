package dev.muster.cli.bench;

/**
 * What one simulated device does in a phase. It records its own success (with its latency measured from
 * {@code originNanos}) or its error kind in the recorder, then calls {@code finished} exactly once.
 */
@FunctionalInterface
public interface Job {
    void start(Recorder recorder, long originNanos, Runnable finished);
}
