package dev.muster.cli.bench;

import java.io.PrintStream;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;

/**
 * Runs one phase with the progress bar and measures around it: wall time, the server's CPU (through the given
 * supplier: /metrics for Muster, /proc for nginx), this process's CPU (the load generator's cost) and the whole
 * machine's busy share (to tell a saturated machine from an idle one).
 */
public final class PhaseRunner {
    private final Driver driver;
    private final PrintStream progressOut;
    private final boolean terminal;

    public PhaseRunner(Driver driver, PrintStream progressOut, boolean terminal) {
        this.driver = driver;
        this.progressOut = progressOut;
        this.terminal = terminal;
    }

    /** Closed loop: {@code concurrency} devices in flight until all {@code devices} are done. */
    public PhaseResult closed(String key, String title, int devices, int concurrency, IntFunction<Job> jobs,
                              DoubleSupplier serverCpuSeconds) throws InterruptedException {
        return run(key, title, devices, concurrency, Double.NaN, jobs, serverCpuSeconds,
                r -> driver.closedLoop(devices, concurrency, jobs, r, timeoutMillis(devices)));
    }

    /** Open loop: devices start at {@code rate} per second, at most {@code maxInFlight} at once. */
    public PhaseResult open(String key, String title, int devices, double rate, int maxInFlight, IntFunction<Job> jobs,
                            DoubleSupplier serverCpuSeconds) throws InterruptedException {
        return run(key, title, devices, 0, rate, jobs, serverCpuSeconds,
                r -> driver.openLoop(devices, rate, maxInFlight, jobs, r, timeoutMillis(devices) + (long) (devices / rate * 1000)));
    }

    /** Generous: a phase only times out when something is stuck. */
    static long timeoutMillis(int devices) {
        return 60_000L + devices * 20L;
    }

    private interface Body {
        boolean run(Recorder recorder) throws InterruptedException;
    }

    private PhaseResult run(String key, String title, int devices, int concurrency, double rate, IntFunction<Job> jobs,
                            DoubleSupplier serverCpuSeconds, Body body) throws InterruptedException {
        Recorder recorder = new Recorder(devices);
        double server0 = serverCpuSeconds == null ? Double.NaN : serverCpuSeconds.getAsDouble();
        double self0 = ProcStat.selfCpuSeconds();
        long[] machine0 = ProcStat.machine();
        long t0 = System.nanoTime();
        try (Progress ignored = new Progress(progressOut, title, devices, recorder, terminal)) {
            body.run(recorder);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] machine1 = ProcStat.machine();
        double self1 = ProcStat.selfCpuSeconds();
        double server1 = serverCpuSeconds == null ? Double.NaN : serverCpuSeconds.getAsDouble();
        return new PhaseResult(key, title, devices, concurrency, rate, recorder.successes(), recorder.failures(),
                recorder.errorsByKind(), seconds, recorder.latency(), recorder.handshake(),
                (server1 - server0) / seconds, (self1 - self0) / seconds, ProcStat.busyShare(machine0, machine1));
    }
}
