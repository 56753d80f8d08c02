package dev.muster.cli.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr while a phase runs: redrawn in place on a terminal, one line every few seconds when
 * the output goes to a file or a CI log (so logs stay readable).
 */
public final class Progress implements AutoCloseable {
    /** What the bar counts: items finished so far and how many of them failed. */
    public interface Counts {
        long done();

        long failures();
    }

    private final PrintStream out;
    private final String label;
    private final int total;
    private final Counts recorder;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    public Progress(PrintStream out, String label, int total, Counts recorder, boolean terminal) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.recorder = recorder;
        this.terminal = terminal;
        this.thread = new Thread(this::loop, "progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        long every = terminal ? 200 : 5000;
        while (running) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                draw(false);
            }
        }
    }

    private synchronized void draw(boolean last) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        String line = line(label, recorder.done(), total, recorder.failures(), seconds, 30);
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** {@code label [#####.....]  1,234/20,000   456/s  errors 0  12.3 s} */
    static String line(String label, long done, int total, long errors, double seconds, int width) {
        int filled = total == 0 ? width : (int) Math.min(width, done * width / total);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        double rate = seconds > 0 ? done / seconds : 0;
        return String.format(Locale.ROOT, "%-26s [%s] %,7d/%,d %,7.0f/s  errors %,d  %5.1f s", label, bar, done, total, rate,
                errors, seconds);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        draw(true);
    }
}
