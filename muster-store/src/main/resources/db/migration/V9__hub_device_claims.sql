-- Which provisioning service instance owns each device identity in a hub. Every instance is linked to the same
-- built-in hubs, so without this one tenant registering another's registration ID would take over that device.
-- One row per (hub, device ID): the primary key lets only one instance claim it, whichever node asks first.
-- The owner is its ID scope (drawn at random, never reused); the name is kept for operators' messages and, with the
-- registration's key, to find the record that should name the device. A claim whose registration never saved its
-- record (the node died between creating the device and saving the record) is an orphan the sweep removes, device
-- and all; kept is set when an operator deletes the record, so the device stays, as on Azure.
CREATE TABLE hub_device_claims (
    hub_key          VARCHAR(255) NOT NULL,
    device_id        VARCHAR(128) NOT NULL,
    hub_host_name    VARCHAR(255) NOT NULL,
    owner_id_scope   VARCHAR(64)  NOT NULL,
    owner_instance   VARCHAR(255) NOT NULL,
    registration_key VARCHAR(128) ${key_collation} NOT NULL,
    claimed_at       VARCHAR(40)  NOT NULL,
    kept             BOOLEAN      NOT NULL DEFAULT FALSE,
    PRIMARY KEY (hub_key, device_id)
);

-- The sweep reads the claims made since it last looked, in time order.
CREATE INDEX hub_device_claims_by_time ON hub_device_claims (claimed_at, hub_key, device_id);

-- Deleting records keeps the claims of their devices by registration.
CREATE INDEX hub_device_claims_by_registration ON hub_device_claims (owner_instance, registration_key);

-- How far the orphan sweep has looked (one row, shared by every node).
CREATE TABLE hub_device_claim_sweeps (
    name          VARCHAR(64) NOT NULL PRIMARY KEY,
    checked_until VARCHAR(40) NOT NULL
);
