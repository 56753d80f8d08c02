package dev.muster.core.operations;

import java.time.Instant;
import java.util.Map;

/** Operation counts per instance, kind and minute; sums over any range answer usage queries. */
public interface UsageStore {
    void addUsage(String instance, OperationKind kind, Instant minute, long count);

    Map<OperationKind, Long> usageSince(String instance, Instant since);
}
