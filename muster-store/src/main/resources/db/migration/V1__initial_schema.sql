-- Portable between H2 (PostgreSQL mode) and PostgreSQL 15: documents are JSON text in VARCHAR columns, and only
-- what queries filter or order on is copied out into columns. ${key_collation} is COLLATE "C" on PostgreSQL so
-- keyset pages follow byte order there as they do in H2.
-- Keys ending in _key are lower-cased by the store (registration IDs, group IDs and host names are
-- case-insensitive); hub device IDs are case-sensitive and are stored as given.

CREATE TABLE instances (
    name              VARCHAR(255) ${key_collation} NOT NULL PRIMARY KEY,
    id_scope          VARCHAR(64)  NOT NULL UNIQUE,
    service_host_key  VARCHAR(255) NOT NULL UNIQUE,
    service_host_name VARCHAR(255) NOT NULL,
    allocation_policy VARCHAR(32),
    policies          VARCHAR      NOT NULL
);

CREATE TABLE enrollments (
    instance         VARCHAR(255) NOT NULL,
    id_key           VARCHAR(128) ${key_collation} NOT NULL,
    etag             VARCHAR(128),
    attestation_type VARCHAR(32)  NOT NULL,
    doc              VARCHAR      NOT NULL,
    PRIMARY KEY (instance, id_key)
);

CREATE TABLE enrollment_groups (
    instance         VARCHAR(255) NOT NULL,
    id_key           VARCHAR(128) ${key_collation} NOT NULL,
    etag             VARCHAR(128),
    attestation_type VARCHAR(32)  NOT NULL,
    doc              VARCHAR      NOT NULL,
    PRIMARY KEY (instance, id_key)
);

-- Every registration of a device not individually enrolled scans this.
CREATE INDEX enrollment_groups_by_attestation ON enrollment_groups (instance, attestation_type, id_key);

CREATE TABLE registrations (
    instance     VARCHAR(255) NOT NULL,
    id_key       VARCHAR(128) ${key_collation} NOT NULL,
    group_id     VARCHAR(128),
    group_id_key VARCHAR(128),
    etag         VARCHAR(128),
    initial_hub  VARCHAR(255),
    doc          VARCHAR      NOT NULL,
    PRIMARY KEY (instance, id_key)
);

CREATE INDEX registrations_by_group ON registrations (instance, group_id_key, id_key);

CREATE TABLE operations (
    instance         VARCHAR(255) NOT NULL,
    operation_id     VARCHAR(200) NOT NULL,
    registration_key VARCHAR(128) NOT NULL,
    registration_id  VARCHAR(128) NOT NULL,
    status           VARCHAR(32),
    failed           BOOLEAN      NOT NULL,
    failure_detail   VARCHAR,
    result           VARCHAR      NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (instance, operation_id)
);

-- "Failed attempts of a registration, newest first" reads a prefix of this index.
CREATE INDEX operations_failed_newest_first
    ON operations (instance, registration_key, failed, created_at DESC, operation_id DESC);

CREATE TABLE linked_hubs (
    instance                VARCHAR(255) NOT NULL,
    host_name_key           VARCHAR(255) ${key_collation} NOT NULL,
    host_name               VARCHAR(255) NOT NULL,
    connection_string       VARCHAR      NOT NULL,
    allocation_weight       INTEGER      NOT NULL,
    apply_allocation_policy BOOLEAN      NOT NULL,
    PRIMARY KEY (instance, host_name_key)
);

CREATE TABLE usage_counts (
    instance     VARCHAR(255) NOT NULL,
    kind         VARCHAR(64)  NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    amount       BIGINT       NOT NULL,
    PRIMARY KEY (instance, kind, minute_start)
);

CREATE INDEX usage_counts_by_time ON usage_counts (instance, minute_start);

CREATE TABLE hubs (
    host_name_key        VARCHAR(255) ${key_collation} NOT NULL PRIMARY KEY,
    host_name            VARCHAR(255) NOT NULL,
    owner_key_name       VARCHAR(128) NOT NULL,
    primary_access_key   VARCHAR(255) NOT NULL,
    secondary_access_key VARCHAR(255)
);

CREATE TABLE hub_devices (
    hub_key   VARCHAR(255) NOT NULL,
    device_id VARCHAR(128) NOT NULL,
    etag      VARCHAR(128),
    doc       VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id)
);

CREATE TABLE hub_twins (
    hub_key   VARCHAR(255) NOT NULL,
    device_id VARCHAR(128) NOT NULL,
    version   BIGINT       NOT NULL,
    etag      VARCHAR(128),
    doc       VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, device_id)
);
