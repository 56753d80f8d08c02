-- Cloud-to-device messages of the built-in hubs, shared by every node (they survive restarts and any node may hold
-- the device's connection). One row per queue (device, or module: module_id '' for the device's own) keeps the depth
-- and the next sequence number, so "at most 50 messages" is one conditional UPDATE that concurrent senders on
-- several nodes serialise on; the messages themselves are rows ordered by that sequence. A message is visible (may be
-- handed to the device) once visible_at has passed: on enqueue, after an abandon, or when a lock runs out.
CREATE TABLE hub_c2d_queues (
    hub_key       VARCHAR(255) NOT NULL,
    device_id     VARCHAR(128) NOT NULL,
    module_id     VARCHAR(128) NOT NULL,
    depth         INTEGER      NOT NULL,
    next_sequence BIGINT       NOT NULL,
    PRIMARY KEY (hub_key, device_id, module_id)
);

CREATE TABLE hub_c2d_messages (
    hub_key        VARCHAR(255) NOT NULL,
    device_id      VARCHAR(128) NOT NULL,
    module_id      VARCHAR(128) NOT NULL,
    id             VARCHAR(64)  NOT NULL,
    sequence       BIGINT       NOT NULL,
    enqueued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    visible_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    delivery_count INTEGER      NOT NULL,
    lock_token     VARCHAR(64),
    doc            VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id, module_id, id)
);

CREATE INDEX hub_c2d_messages_in_order ON hub_c2d_messages (hub_key, device_id, module_id, sequence);
CREATE INDEX hub_c2d_messages_by_visibility ON hub_c2d_messages (visible_at);
CREATE INDEX hub_c2d_messages_by_expiry ON hub_c2d_messages (expires_at);

-- Delivery feedback waiting for the hub's service (/messages/servicebound/feedback), one queue per hub.
CREATE TABLE hub_c2d_feedback (
    hub_key        VARCHAR(255) NOT NULL,
    id             VARCHAR(64)  NOT NULL,
    enqueued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    visible_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    delivery_count INTEGER      NOT NULL,
    lock_token     VARCHAR(64),
    doc            VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, id)
);

CREATE INDEX hub_c2d_feedback_in_order ON hub_c2d_feedback (hub_key, enqueued_at);
CREATE INDEX hub_c2d_feedback_by_expiry ON hub_c2d_feedback (expires_at);
