package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One listener's fuzz run. Inputs are drawn from the seed on the test thread, in order, and their exchanges run a
 * few at a time (most of an exchange is waiting for the server). When the run is over it fails on any exchange that
 * found a fault, on anything the server logged as unhandled, and on any server connection left open once every
 * client has closed its own; then a fair device must still register.
 */
final class FuzzRun {
    /** What one input does on the wire; returns null when the server handled it, else what went wrong. */
    interface Exchange {
        String run() throws Exception;
    }

    /** A well-formed input must be answered (or closed) within this; the slowest answer is a registration. */
    static final int ANSWER_MILLIS = 10_000;
    /** A malformed input may leave the server waiting for the rest of it: this long, then the client leaves. */
    static final int WAIT_MILLIS = 500;
    private static final int PARALLEL = 4;
    private static final int SHOWN_FAILURES = 5;

    private final String listener;
    private final Fuzz fuzz;
    private final Set<Long> before;
    private final ServerLog log;
    private final ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final long started = System.nanoTime();
    private int inputs;

    FuzzRun(String listener, long seed) {
        this.listener = listener;
        this.fuzz = new Fuzz(listener, seed);
        this.before = ServerConnections.open().keySet();
        this.log = new ServerLog();
    }

    Fuzz fuzz() {
        return fuzz;
    }

    /** Runs one input's exchange; {@code input} is what a failure shows to replay it. */
    void submit(int index, byte[] input, Exchange exchange) {
        inputs++;
        pool.execute(() -> {
            try {
                String fault = exchange.run();
                if (fault != null) {
                    failures.add(fault + "\n  " + fuzz.describe(index, input));
                }
            } catch (Exception | AssertionError e) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                failures.add("the exchange failed: " + trace + "\n  " + fuzz.describe(index, input));
            }
        });
    }

    /** Waits for every exchange, then asserts the run left no fault, no unhandled log and no open connection. */
    void finish() throws Exception {
        pool.shutdown();
        boolean done = pool.awaitTermination(120, TimeUnit.SECONDS);
        Map<Long, String> leaked = ServerConnections.newSince(before, 10);
        List<String> logged = log.faults();
        int lines = log.serverLines();
        log.close();
        System.out.printf("fuzz %s: seed %d, %d inputs, %.1f s, %d failures, %d server log lines of which %d faults,"
                        + " %d connections left open%n", listener, fuzz.seed(), inputs,
                (System.nanoTime() - started) / 1e9, failures.size(), lines, logged.size(), leaked.size());
        // Every finding on stdout (the assertion shows the first few), so one run lists all there is to replay.
        synchronized (failures) {
            failures.forEach(f -> System.out.println("fuzz " + listener + " failure: " + f));
        }
        logged.forEach(f -> System.out.println("fuzz " + listener + " server log: " + f));
        assertThat(done).as("%s: every exchange finished within 120 s (seed %d)", listener, fuzz.seed()).isTrue();
        assertThat(first(failures)).as("%s: inputs the server mishandled (%d in all, the first shown)", listener,
                failures.size()).isEmpty();
        assertThat(first(logged)).as("%s: what the server logged as unhandled during the run (seed %d)", listener,
                fuzz.seed()).isEmpty();
        assertThat(leaked).as("%s: server connections opened during the run and still open 10 s after every client"
                + " closed its own (seed %d)", listener, fuzz.seed()).isEmpty();
        ProtocolAbuseIT.assertAFairDeviceStillRegisters();
    }

    private static List<String> first(List<String> all) {
        synchronized (all) {
            return new ArrayList<>(all.subList(0, Math.min(SHOWN_FAILURES, all.size())));
        }
    }
}
