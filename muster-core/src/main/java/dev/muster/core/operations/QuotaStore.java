package dev.muster.core.operations;

import java.time.Instant;

/** What quotas need from the database, so that every node sharing it enforces one limit. */
public interface QuotaStore {
    /**
     * Counts one more use of {@code counter} in {@code minute} if fewer than {@code limit} were counted, atomically
     * across nodes.
     *
     * @return false if the limit is reached (nothing counted)
     */
    boolean tryCount(String instance, String counter, Instant minute, int limit);

    /** Individual enrollments plus enrollment groups of the instance. */
    long enrollmentCount(String instance);
}
