package dev.muster.cli.bench;

import java.util.Map;

/**
 * What one phase measured. CPU figures are in cores (CPU seconds per wall second) over the phase; NaN where they
 * could not be read (e.g. a remote server without process metrics).
 *
 * @param key short name used in JSON ({@code nginx}, {@code muster-static}, {@code https}, …)
 * @param targetRate the open-loop start rate, NaN for a closed-loop phase
 */
public record PhaseResult(String key, String title, int devices, int concurrency, double targetRate, int ok,
                          long errors, Map<String, Long> errorsByKind, double seconds, Percentiles latency,
                          Percentiles handshake, double serverCores, double clientCores, double machineBusy) {

    /** Completed devices per second of wall time. */
    public double rate() {
        return seconds > 0 ? ok / seconds : 0;
    }
}
