-- Several nodes on one database: a desired-property change made on one node must reach a device whose MQTT
-- connection is held by another. Each change is appended here (no sequence: the key is the twin's own desired
-- version, so the table works unchanged on distributed SQL engines); every node polls recent rows and pushes those
-- it has not pushed yet. Rows older than a few minutes are pruned by the nodes.
CREATE TABLE hub_desired_changes (
    hub_key         VARCHAR(255) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    desired_version BIGINT       NOT NULL,
    changed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    patch           VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id, desired_version)
);

CREATE INDEX hub_desired_changes_by_time ON hub_desired_changes (changed_at);
