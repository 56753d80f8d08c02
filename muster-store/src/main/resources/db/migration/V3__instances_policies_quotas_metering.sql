-- Multi-tenant instances: settings that change (allocation policy, quotas, policies) are updated optimistically
-- on a revision number; quotas are a JSON document (null = no limits).
ALTER TABLE instances ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE instances ADD COLUMN quotas VARCHAR;

-- Failed registration attempts per instance, reason and minute (counted, not billed).
CREATE TABLE failure_counts (
    instance     VARCHAR(255) NOT NULL,
    reason       VARCHAR(64)  NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    amount       BIGINT       NOT NULL,
    PRIMARY KEY (instance, reason, minute_start)
);

CREATE INDEX failure_counts_by_time ON failure_counts (instance, minute_start);

-- Per-minute quota counters shared by every node (only written while a quota is set).
CREATE TABLE quota_counts (
    instance     VARCHAR(255) NOT NULL,
    counter      VARCHAR(32)  NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    amount       INTEGER      NOT NULL,
    PRIMARY KEY (instance, counter, minute_start)
);

-- "The instance's latest failed attempts, newest first" (GET /usage/failures) reads a prefix of this index.
CREATE INDEX operations_failed_by_time ON operations (instance, failed, created_at DESC, operation_id DESC);
