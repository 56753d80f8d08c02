package dev.muster.cli.bench;

import java.util.Arrays;

/**
 * Latency percentiles in milliseconds by the nearest-rank method on the full sorted sample (no histogram
 * buckets: with at most a few hundred thousand values sorting is cheap and exact).
 */
public record Percentiles(int count, double p50, double p95, double p99, double max, double mean) {
    public static final Percentiles EMPTY = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** @param nanos latencies in nanoseconds; sorted in place */
    public static Percentiles of(long[] nanos) {
        if (nanos.length == 0) {
            return EMPTY;
        }
        Arrays.sort(nanos);
        double sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return new Percentiles(nanos.length, ms(rank(nanos, 50)), ms(rank(nanos, 95)), ms(rank(nanos, 99)),
                ms(nanos[nanos.length - 1]), sum / nanos.length / 1e6);
    }

    /** Nearest rank: the smallest value with at least p% of the sample at or below it. */
    static long rank(long[] sorted, double p) {
        int r = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, r - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
