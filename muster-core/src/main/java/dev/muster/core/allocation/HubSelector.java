package dev.muster.core.allocation;

import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Chooses a device's hub among the instance's linked hubs by allocation policy (reference §7):
 * <ul>
 *   <li>the <b>candidates</b> are the hubs the enrollment names in {@code iotHubs}, or, when it names none, every
 *       linked hub with {@code applyAllocationPolicy};</li>
 *   <li><b>hashed</b> (evenly weighted): weighted rendezvous hashing over the candidates ({@link HubAllocator});
 *       weight 0 takes a hub out of the automatic policies;</li>
 *   <li><b>geoLatency</b>: the candidate with the lowest measured latency from this node ({@link HubLatencies});
 *       hubs within {@link #LATENCY_TIE_MILLIS} of the lowest are ties and are hashed; unknown latencies sort after
 *       every known one (all unknown: hashed over all);</li>
 *   <li><b>static</b>: the one hub the enrollment names, whatever its weight;</li>
 *   <li><b>custom</b>: the enrollment's webhook picks among the candidates ({@link CustomAllocation}).</li>
 * </ul>
 * The enrollment's policy overrides the instance default. Reprovisioning (whether the device actually moves) is
 * registration's business; this class only says where the device belongs now.
 */
public final class HubSelector {
    /** Measured latencies closer than this to the lowest count as equal (probe jitter is of this order). */
    public static final double LATENCY_TIE_MILLIS = 1.0;

    private final HubAllocator allocator = new HubAllocator();
    private final HubLatencies latencies;
    private final CustomAllocation custom;

    public HubSelector(HubLatencies latencies, AllocationWebhook webhook) {
        this.latencies = latencies == null ? HubLatencies.UNKNOWN : latencies;
        this.custom = new CustomAllocation(webhook == null ? AllocationWebhook.NONE : webhook);
    }

    /** Hashed only: no latency data, no webhook client (custom allocations fail saying so). */
    public HubSelector() {
        this(HubLatencies.UNKNOWN, AllocationWebhook.NONE);
    }

    public Allocation select(AllocationContext ctx) throws AllocationFailure {
        List<LinkedHub> candidates = candidates(ctx.enrollment(), ctx.linkedHubs());
        AllocationPolicy policy = ctx.policy();
        return switch (policy) {
            case HASHED -> Allocation.of(hashed(ctx, candidates), policy);
            case GEO_LATENCY -> Allocation.of(lowestLatency(ctx, candidates), policy);
            case STATIC -> Allocation.of(statically(ctx), policy);
            case CUSTOM -> custom.allocate(ctx, candidates);
        };
    }

    /** The hubs an enrollment may be assigned to. */
    public static List<LinkedHub> candidates(Enrollment enrollment, List<LinkedHub> linked) {
        List<String> allowed = enrollment.iotHubs();
        return linked.stream()
                .filter(h -> allowed == null || allowed.isEmpty()
                        ? h.applyAllocationPolicy()
                        : allowed.stream().anyMatch(a -> a != null && a.strip().equalsIgnoreCase(h.hostName())))
                .toList();
    }

    private LinkedHub hashed(AllocationContext ctx, List<LinkedHub> candidates) throws AllocationFailure {
        Optional<LinkedHub> hub = allocator.hashed(ctx.registrationId(), candidates);
        if (hub.isEmpty()) {
            throw noHub(ctx, candidates);
        }
        return hub.get();
    }

    private LinkedHub lowestLatency(AllocationContext ctx, List<LinkedHub> candidates) throws AllocationFailure {
        List<LinkedHub> usable = candidates.stream().filter(h -> h.allocationWeight() > 0).toList();
        if (usable.isEmpty()) {
            throw noHub(ctx, candidates);
        }
        record Measured(LinkedHub hub, double millis) {}
        List<Measured> known = new ArrayList<>();
        for (LinkedHub h : usable) {
            OptionalDouble ms = latencies.latencyMillis(h.hostName());
            if (ms != null && ms.isPresent() && Double.isFinite(ms.getAsDouble()) && ms.getAsDouble() >= 0) {
                known.add(new Measured(h, ms.getAsDouble()));
            }
        }
        if (known.isEmpty()) {
            return hashed(ctx, usable);
        }
        double lowest = known.stream().min(Comparator.comparingDouble(Measured::millis)).orElseThrow().millis();
        List<LinkedHub> ties = known.stream().filter(m -> m.millis() <= lowest + LATENCY_TIE_MILLIS)
                .map(Measured::hub).toList();
        return ties.size() == 1 ? ties.get(0) : hashed(ctx, ties);
    }

    private static LinkedHub statically(AllocationContext ctx) throws AllocationFailure {
        Enrollment e = ctx.enrollment();
        List<String> named = e.iotHubs() == null ? List.of()
                : e.iotHubs().stream().filter(h -> h != null && !h.isBlank()).toList();
        if (named.size() != 1) {
            String message = "Static allocation (" + ctx.policySource() + " policy) needs exactly one IoT hub in the"
                    + " enrollment's iotHubs, but " + describe(e) + " lists " + named.size()
                    + (named.isEmpty() ? "." : " (" + String.join(", ", named) + ").");
            throw new AllocationFailure(AllocationFailure.NO_HUB, message);
        }
        String hub = named.get(0).strip();
        return ctx.linkedHubs().stream().filter(h -> h.hostName().equalsIgnoreCase(hub)).findFirst()
                .orElseThrow(() -> new AllocationFailure(AllocationFailure.NO_HUB, "Static allocation: the IoT hub '"
                        + hub + "' that " + describe(e) + " names is not linked to this provisioning service."));
    }

    private static AllocationFailure noHub(AllocationContext ctx, List<LinkedHub> candidates) {
        return new AllocationFailure(AllocationFailure.NO_HUB, "No linked IoT hub is available for this enrollment.",
                candidates.isEmpty()
                        ? "the instance has no linked hub that the enrollment allows (iotHubs: "
                          + ctx.enrollment().iotHubs() + ")"
                        : "every linked hub the enrollment allows has allocation weight 0 ("
                          + ctx.policy().wireName() + " allocation)");
    }

    private static String describe(Enrollment e) {
        return (e.isGroup() ? "enrollment group '" : "enrollment '") + e.id() + "'";
    }
}
