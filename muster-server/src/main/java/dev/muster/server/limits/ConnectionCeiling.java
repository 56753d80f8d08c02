package dev.muster.server.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many connections the process's open-file limit leaves room for. A connection bridged from a WebSocket costs
 * three descriptors (the device's socket and both ends of the loopback hop), so a third of what is left after a reserve
 * for the database pool, jars, logs and the listeners themselves is the most that can never run the process out of
 * descriptors, whatever mix of transports the devices use: then new devices are refused by the limit with a clear
 * log line instead of failing their handshakes on EMFILE.
 */
public final class ConnectionCeiling {
    /** Descriptors kept for everything that is not a device connection. */
    static final long RESERVED = 1024;
    /** Descriptors one device connection may cost at most (WebSocket bridged). */
    static final long PER_CONNECTION = 3;

    private ConnectionCeiling() {}

    /** {@code configured}, lowered to what {@code openFileLimit} allows; a limit of 0 or less means unknown. */
    public static int cap(int configured, long openFileLimit) {
        if (openFileLimit <= 0) {
            return configured;
        }
        long room = Math.max(1, (openFileLimit - RESERVED) / PER_CONNECTION);
        return (int) Math.min(configured, room);
    }

    /** This process's open-file limit (RLIMIT_NOFILE as the JVM set it), or -1 where the JVM does not tell. */
    public static long processOpenFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
