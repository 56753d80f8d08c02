package dev.muster.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Counts the server's open connections from the kernel's tables. The server under test runs in this JVM, so its
 * sockets are this process's descriptors ({@code /proc/self/fd} links {@code socket:[inode]}); the kernel's TCP table
 * ({@code /proc/net/tcp}, {@code tcp6}) says which of those inodes listen and which are connections. A connection
 * counts when one of its ends is a port this process listens on: the server's side of every client connection, and
 * both sides of the WebSocket bridge's inner links to its loopback listeners. Sockets of other processes never count,
 * and a closed descriptor drops out at once (TIME_WAIT entries belong to no inode). Connections are told apart by
 * inode, so one that closes during a run cannot hide another that was left open.
 */
final class ServerConnections {
    private static final String LISTEN = "0A";

    private ServerConnections() {}

    /** Every such connection now: inode → "local → remote (state)". */
    static Map<Long, String> open() {
        Set<Long> mine = socketInodes();
        List<String[]> rows = new ArrayList<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            rows.addAll(rows(Path.of(table)));
        }
        Set<Integer> listening = new HashSet<>();
        for (String[] r : rows) {
            if (r[3].equals(LISTEN) && mine.contains(Long.parseLong(r[9]))) {
                listening.add(port(r[1]));
            }
        }
        Map<Long, String> open = new TreeMap<>();
        for (String[] r : rows) {
            long inode = Long.parseLong(r[9]);
            if (!r[3].equals(LISTEN) && mine.contains(inode)
                    && (listening.contains(port(r[1])) || listening.contains(port(r[2])))) {
                open.put(inode, "port " + port(r[1]) + " → port " + port(r[2]) + " (state " + r[3] + ")");
            }
        }
        return open;
    }

    /**
     * Waits until every connection open now and not in {@code before} has closed (the server closes its side once it
     * sees the client's close, but not in the same instant), and returns those still open.
     */
    static Map<Long, String> newSince(Set<Long> before, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Map<Long, String> now = open();
            now.keySet().removeAll(before);
            if (now.isEmpty() || System.nanoTime() > deadline) {
                return now;
            }
            Thread.sleep(100);
        }
    }

    private static Set<Long> socketInodes() {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    /** Rows split on white space: [1] local address:port, [2] remote, [3] state (hex), [9] inode. */
    private static List<String[]> rows(Path table) {
        if (!Files.exists(table)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(table);
            List<String[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                rows.add(line.trim().split("\\s+"));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(String addressAndPort) {
        return Integer.parseInt(addressAndPort.substring(addressAndPort.indexOf(':') + 1), 16);
    }
}
