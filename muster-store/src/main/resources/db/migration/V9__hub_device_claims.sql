-- Which provisioning service instance owns each device identity in a hub. Every instance is linked to the same
-- built-in hubs, so without this one tenant registering another's registration ID would take over that device.
-- One row per (hub, device ID): the primary key lets only one instance claim it, whichever node asks first.
-- The owner is its ID scope (drawn at random, never reused); the name is kept for operators' messages.
CREATE TABLE hub_device_claims (
    hub_key        VARCHAR(255) NOT NULL,
    device_id      VARCHAR(128) NOT NULL,
    hub_host_name  VARCHAR(255) NOT NULL,
    owner_id_scope VARCHAR(64)  NOT NULL,
    owner_instance VARCHAR(255) NOT NULL,
    claimed_at     VARCHAR(40)  NOT NULL,
    PRIMARY KEY (hub_key, device_id)
);
