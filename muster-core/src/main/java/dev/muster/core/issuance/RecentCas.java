package dev.muster.core.issuance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The issuing CAs signed with in the last seconds, kept as loaded. Reading a CA from the store unseals and decodes its
 * key every time, and a freshly decoded key makes BouncyCastle redo its fixed-point precomputation: a profile of the
 * issuance benchmark showed that at three times the cost of the signature itself. Entries live {@link #DEFAULT_TTL},
 * so a CA replaced through another node is signed with here at most that long after.
 */
final class RecentCas {
    static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    private record Entry(IssuingCa ca, Instant until) {}

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    RecentCas(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    IssuingCa get(String instance, String name, Supplier<IssuingCa> load) {
        String key = instance + "\u0000" + name.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Entry e = entries.get(key);
        if (e == null || now.isAfter(e.until())) {
            e = new Entry(load.get(), now.plus(ttl));
            entries.put(key, e);
        }
        return e.ca();
    }

    /** Called when this node changes or removes a CA, so it never signs with the old one again. */
    void forget(String instance, String name) {
        entries.remove(instance + "\u0000" + name.toLowerCase(Locale.ROOT));
    }
}
