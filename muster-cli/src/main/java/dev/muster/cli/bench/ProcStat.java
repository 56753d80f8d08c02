package dev.muster.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU accounting from /proc (Linux): the whole machine's busy share, and CPU seconds of local processes (nginx's
 * master and workers). Everything returns NaN where /proc is not there.
 */
public final class ProcStat {
    private static final double TICKS = 100.0; // USER_HZ, 100 on every Linux this runs on

    private ProcStat() {}

    /** {busy, total} jiffies of all CPUs since boot. */
    static long[] machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length; i++) {
                long v = Long.parseLong(f[i]);
                total += i <= 8 ? v : 0; // guest time is already in user
                if (i == 4 || i == 5) {
                    idle += v; // idle + iowait
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Busy share of the machine between two {@link #machine()} readings, 0..1. */
    static double busyShare(long[] before, long[] after) {
        if (before == null || after == null || after[1] == before[1]) {
            return Double.NaN;
        }
        return (double) (after[0] - before[0]) / (after[1] - before[1]);
    }

    /** CPU seconds (user + system) of a process and its direct children (nginx workers). */
    public static double cpuSecondsWithChildren(long pid) {
        double total = cpuSeconds(pid);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long[] st = stat(Long.parseLong(name));
                if (st != null && st[0] == pid) {
                    total += (st[1] + st[2]) / TICKS;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return total;
    }

    static double cpuSeconds(long pid) {
        long[] st = stat(pid);
        return st == null ? Double.NaN : (st[1] + st[2]) / TICKS;
    }

    /** {ppid, utime, stime} of a process, or null. */
    private static long[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may hold spaces: fields are counted after its closing parenthesis.
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** This JVM's CPU seconds: the load generator's own cost. */
    static double selfCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    static double loadAverage() {
        try {
            List<String> l = Files.readAllLines(Path.of("/proc/loadavg"));
            return Double.parseDouble(l.get(0).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }
}
