-- Module identities and their twins (IoT Hub modules). One row per module holds both: the identity (sealed: it holds
-- the module's keys) and the twin, each with its own condition column (etag for the identity, version for the twin),
-- so the two are written independently without lost updates and created and deleted together. A module lives on its
-- device: the foreign key refuses a module for a device that is not there and deletes a device's modules with it, in
-- the same statement, whichever node deletes the device. Module IDs are case-sensitive and ordered byte-wise.
CREATE TABLE hub_modules (
    hub_key      VARCHAR(255) NOT NULL,
    device_id    VARCHAR(128) NOT NULL,
    module_id    VARCHAR(128) ${key_collation} NOT NULL,
    etag         VARCHAR(128),
    doc          VARCHAR      NOT NULL,
    twin_version BIGINT       NOT NULL,
    twin_etag    VARCHAR(128),
    twin_doc     VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id, module_id),
    FOREIGN KEY (hub_key, device_id) REFERENCES hub_devices (hub_key, device_id) ON DELETE CASCADE
);

-- Desired-property changes of module twins travel between nodes like those of device twins: the change log gains the
-- module ('' for a device's own twin, so the key stays NOT NULL), and its key includes it. The log only holds the last
-- minutes of changes, so it is rebuilt rather than altered (altering a primary key differs between H2 and PostgreSQL).
CREATE TABLE hub_desired_changes_v15 (
    hub_key         VARCHAR(255) NOT NULL,
    device_id       VARCHAR(128) NOT NULL,
    module_id       VARCHAR(128) NOT NULL DEFAULT '',
    desired_version BIGINT       NOT NULL,
    changed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    patch           VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id, module_id, desired_version)
);

INSERT INTO hub_desired_changes_v15 (hub_key, device_id, module_id, desired_version, changed_at, patch)
    SELECT hub_key, device_id, '', desired_version, changed_at, patch FROM hub_desired_changes;

DROP TABLE hub_desired_changes;

ALTER TABLE hub_desired_changes_v15 RENAME TO hub_desired_changes;

CREATE INDEX hub_desired_changes_by_time ON hub_desired_changes (changed_at);
