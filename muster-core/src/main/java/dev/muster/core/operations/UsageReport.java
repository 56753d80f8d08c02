package dev.muster.core.operations;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An instance's usage since a time: totals per kind, the same counts per bucket (only buckets with operations),
 * and failed attempts by reason.
 */
public record UsageReport(Instant since, Map<OperationKind, Long> totals, Granularity granularity, List<Bucket> series,
                          Map<String, Long> failures) {

    public record Bucket(Instant start, Map<OperationKind, Long> operations) {}

    public long billed() {
        return totals.entrySet().stream().filter(e -> e.getKey().billed()).mapToLong(Map.Entry::getValue).sum();
    }
}
