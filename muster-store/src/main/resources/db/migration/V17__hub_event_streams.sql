-- The built-in hubs' event streams: what the Event Hubs-compatible endpoint serves, shared by every node. Each hub has
-- a fixed number of partitions; a partition row holds the next sequence number, and an append takes that row's lock
-- (UPDATE ... next_sequence + n) until it commits, so sequence numbers are committed in order on any number of nodes
-- and a reader that has seen n never misses a later event. Events are rows ordered by (partition, sequence); the
-- retention sweep deletes the oldest. Offsets are sequence numbers, so no separate column.
CREATE TABLE hub_event_streams (
    hub_key         VARCHAR(255) NOT NULL PRIMARY KEY,
    partition_count INTEGER      NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE hub_event_partitions (
    hub_key          VARCHAR(255) NOT NULL,
    partition_id     INTEGER      NOT NULL,
    next_sequence    BIGINT       NOT NULL,
    last_enqueued_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (hub_key, partition_id)
);

-- properties: the event's application and system properties as one JSON document; body: the bytes as sent.
CREATE TABLE hub_events (
    hub_key      VARCHAR(255) NOT NULL,
    partition_id INTEGER      NOT NULL,
    sequence     BIGINT       NOT NULL,
    enqueued_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    properties   VARCHAR      NOT NULL,
    body         BYTEA        NOT NULL,
    PRIMARY KEY (hub_key, partition_id, sequence)
);

CREATE INDEX hub_events_by_enqueued_time ON hub_events (hub_key, partition_id, enqueued_at);

CREATE TABLE hub_consumer_groups (
    hub_key    VARCHAR(255) NOT NULL,
    name       VARCHAR(64)  ${key_collation} NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (hub_key, name)
);

-- The receiver holding a partition of a consumer group with an owner level (epoch); other nodes' receivers of the
-- same partition read it to learn they were taken over.
CREATE TABLE hub_event_owners (
    hub_key        VARCHAR(255) NOT NULL,
    consumer_group VARCHAR(64)  NOT NULL,
    partition_id   INTEGER      NOT NULL,
    owner_level    BIGINT       NOT NULL,
    holder         VARCHAR(255) NOT NULL,
    claimed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (hub_key, consumer_group, partition_id)
);
