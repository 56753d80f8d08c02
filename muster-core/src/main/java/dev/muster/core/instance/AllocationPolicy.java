package dev.muster.core.instance;

import java.util.Locale;
import java.util.Optional;

/**
 * How a device's hub is chosen among the candidate hubs (reference §7 {@code allocationPolicy}). The instance has a
 * default; an enrollment that names a policy overrides it. The choosing itself is the allocation package's
 * ({@code HubSelector}).
 */
public enum AllocationPolicy {
    /** Evenly weighted distribution: weighted rendezvous hashing of the registration ID ({@code HubAllocator}). */
    HASHED("hashed"),
    /** Lowest latency from this node to the hub ({@code HubLatencies}); ties and unknowns are hashed. */
    GEO_LATENCY("geoLatency"),
    /** The one hub the enrollment names in {@code iotHubs}. */
    STATIC("static"),
    /** The enrollment's webhook decides ({@code AllocationWebhook}, reference §8). */
    CUSTOM("custom");

    private final String wireName;

    AllocationPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling Azure uses on the wire ({@code geoLatency}, not {@code GEO_LATENCY}). */
    public String wireName() {
        return wireName;
    }

    /** Case-insensitive; empty for null, blank or unknown names. */
    public static Optional<AllocationPolicy> parse(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (AllocationPolicy p : values()) {
            if (p.wireName.toLowerCase(Locale.ROOT).equals(n)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The policy that applies: the enrollment's when it names one, else the instance's default, else hashed (as in
     * Azure, where evenly weighted distribution is the default).
     */
    public static AllocationPolicy effective(String instanceDefault, String enrollmentPolicy) {
        return parse(enrollmentPolicy).or(() -> parse(instanceDefault)).orElse(HASHED);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
