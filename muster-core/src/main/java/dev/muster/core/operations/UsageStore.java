package dev.muster.core.operations;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Operation counts per instance, kind and minute, and failed registration attempts per instance, reason and minute;
 * sums over any range answer usage queries. Additions from any number of nodes accumulate.
 */
public interface UsageStore {
    /** One stored count: the operations of one kind that started in one minute. */
    record MinuteCount(Instant minute, OperationKind kind, long count) {}

    void addUsage(String instance, OperationKind kind, Instant minute, long count);

    Map<OperationKind, Long> usageSince(String instance, Instant since);

    /** The counts of the minutes starting at or after {@code since}, oldest first. */
    List<MinuteCount> usageByMinute(String instance, Instant since);

    void addFailures(String instance, String reason, Instant minute, long count);

    /** Failed attempts by reason over the minutes starting at or after {@code since}. */
    Map<String, Long> failuresSince(String instance, Instant since);
}
