-- A tag filter (WHERE tags.building = '43') reads this index instead of matching every row's tag_pairs with LIKE:
-- one row per scalar tag of an enrollment's (kind 'e') or group's (kind 'g') initial twin, path dotted as queries
-- name it, value as its text, with the row's attestation type and status. Written in the same transaction as the
-- enrollment or group. Pairs whose path or value
-- is longer than 512 UTF-8 bytes are left out (a btree entry must stay small); a query on such a pair falls back to
-- the LIKE. Rows written before this version get their pairs from the store when it first opens the database.
CREATE TABLE enrollment_tags (
    instance   VARCHAR(255) NOT NULL,
    kind       CHAR(1)      NOT NULL,
    tag_path   VARCHAR(512) ${key_collation} NOT NULL,
    tag_value  VARCHAR(512) ${key_collation} NOT NULL,
    id_key     VARCHAR(128) ${key_collation} NOT NULL,
    -- copies of the row's columns, so a tag filter combined with these is one range scan of this table's key
    attestation_type    VARCHAR(32) NOT NULL,
    provisioning_status VARCHAR(16) NOT NULL,
    PRIMARY KEY (instance, kind, tag_path, tag_value, id_key)
);

-- Replacing or deleting an enrollment drops its pairs by key.
CREATE INDEX enrollment_tags_by_id ON enrollment_tags (instance, kind, id_key);
