package dev.muster.server.limits;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the connections held open per source address and in all, and says whether one more may be admitted. It
 * knows nothing of sockets: {@link AcceptGate} asks it for every accepted connection and tells it of every close.
 * One lock: admissions come from the acceptor thread, releases from every event loop, and both are a map update.
 */
public final class ConnectionLimiter {
    /** Why a connection was refused; the metric's {@code reason} tag. */
    public enum Refusal {
        PER_ADDRESS("per_address"),
        TOTAL("total");

        private final String tag;

        Refusal(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final int perAddress;
    private final int total;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private int openTotal;
    private final Map<Refusal, LongAdder> refused = Map.of(Refusal.PER_ADDRESS, new LongAdder(),
            Refusal.TOTAL, new LongAdder());

    public ConnectionLimiter(int perAddress, int total) {
        if (perAddress < 1 || total < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        this.perAddress = perAddress;
        this.total = total;
    }

    /** Counts the connection in and returns null, or counts a refusal and returns its reason (nothing is held). */
    public Refusal admit(InetAddress source) {
        Refusal refusal;
        synchronized (this) {
            int fromSource = open.getOrDefault(source, 0);
            if (openTotal >= total) {
                refusal = Refusal.TOTAL;
            } else if (fromSource >= perAddress) {
                refusal = Refusal.PER_ADDRESS;
            } else {
                open.put(source, fromSource + 1);
                openTotal++;
                return null;
            }
        }
        refused.get(refusal).increment();
        return refusal;
    }

    /** A connection {@link #admit admitted} from {@code source} has closed. */
    public synchronized void release(InetAddress source) {
        Integer fromSource = open.get(source);
        if (fromSource == null) {
            return; // never admitted here: nothing to give back
        }
        if (fromSource <= 1) {
            open.remove(source);
        } else {
            open.put(source, fromSource - 1);
        }
        openTotal--;
    }

    public synchronized int open() {
        return openTotal;
    }

    public synchronized int openFrom(InetAddress source) {
        return open.getOrDefault(source, 0);
    }

    /** Connections refused for this reason since start. */
    public long refused(Refusal reason) {
        return refused.get(reason).sum();
    }

    public int perAddress() {
        return perAddress;
    }

    public int total() {
        return total;
    }
}
