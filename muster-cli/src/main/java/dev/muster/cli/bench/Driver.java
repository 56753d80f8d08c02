package dev.muster.cli.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * The load shape of a phase. Closed loop: a fixed number of devices in flight, the next one starting as soon as one
 * finishes (the storm's peak rate). Open loop: devices start at a fixed rate whatever the server does, and each
 * one's latency counts from the moment it was due, so a stall shows up in the percentiles instead of silently
 * slowing the generator down (no coordinated omission).
 */
public final class Driver {
    private final Executor launcher;

    /** @param launcher where the next device starts after one finishes (an event loop; avoids deep recursion) */
    public Driver(Executor launcher) {
        this.launcher = launcher;
    }

    /** @return false if the phase did not finish within {@code timeoutMillis} (the rest count as "unfinished") */
    public boolean closedLoop(int total, int concurrency, IntFunction<Job> jobs, Recorder recorder, long timeoutMillis)
            throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= total) {
                return;
            }
            boolean[] once = {false};
            jobs.apply(i).start(recorder, System.nanoTime(), () -> {
                if (!once[0]) {
                    once[0] = true;
                    finished.countDown();
                    launcher.execute(launch[0]);
                }
            });
        };
        for (int i = 0; i < Math.min(concurrency, total); i++) {
            launcher.execute(launch[0]);
        }
        boolean complete = await(finished, recorder, timeoutMillis);
        next.set(total); // a timed-out phase starts nobody else
        return complete;
    }

    /**
     * Starts {@code total} devices at {@code ratePerSecond}; at most {@code maxInFlight} at once (a device due while
     * the cap is reached starts late, and its lateness is part of its latency).
     */
    public boolean openLoop(int total, double ratePerSecond, int maxInFlight, IntFunction<Job> jobs, Recorder recorder,
                            long timeoutMillis) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(total);
        AtomicInteger inFlight = new AtomicInteger();
        double intervalNanos = 1e9 / ratePerSecond;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        int started = 0;
        while (started < total && System.nanoTime() < deadline) {
            long now = System.nanoTime();
            long due = Math.min(total, (long) ((now - t0) / intervalNanos) + 1);
            while (started < due && inFlight.get() < maxInFlight) {
                long origin = t0 + (long) (started * intervalNanos);
                int i = started++;
                inFlight.incrementAndGet();
                boolean[] once = {false};
                jobs.apply(i).start(recorder, origin, () -> {
                    if (!once[0]) {
                        once[0] = true;
                        inFlight.decrementAndGet();
                        finished.countDown();
                    }
                });
            }
            LockSupport.parkNanos(200_000);
        }
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        for (int i = started; i < total; i++) {
            recorder.error("not started (timeout)");
            finished.countDown();
        }
        return await(finished, recorder, left);
    }

    private static boolean await(CountDownLatch finished, Recorder recorder, long timeoutMillis) throws InterruptedException {
        if (finished.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return true;
        }
        for (long i = finished.getCount(); i > 0; i--) {
            recorder.error("unfinished (phase timeout)");
        }
        return false;
    }
}
