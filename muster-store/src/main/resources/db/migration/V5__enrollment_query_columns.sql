-- Query filters of the service API (WHERE attestation.type / provisioningStatus / tags.X) run in SQL. Documents are
-- sealed, so what they filter on is copied out: provisioning_status ('enabled'|'disabled') and tag_pairs, the initial
-- twin's scalar tags as U+001F path U+001E value ... U+001F, matched with LIKE. Rows written before this version get
-- both filled in by the store when it first opens the database (it records that in store_backfills).
ALTER TABLE enrollments ADD COLUMN provisioning_status VARCHAR(16);
ALTER TABLE enrollments ADD COLUMN tag_pairs VARCHAR;
ALTER TABLE enrollment_groups ADD COLUMN provisioning_status VARCHAR(16);
ALTER TABLE enrollment_groups ADD COLUMN tag_pairs VARCHAR;

-- Keyset pages filtered on attestation type or status read these in ID order.
CREATE INDEX enrollments_by_attestation ON enrollments (instance, attestation_type, id_key);
CREATE INDEX enrollments_by_status ON enrollments (instance, provisioning_status, id_key);

CREATE TABLE store_backfills (
    name     VARCHAR(64) NOT NULL PRIMARY KEY,
    done_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
