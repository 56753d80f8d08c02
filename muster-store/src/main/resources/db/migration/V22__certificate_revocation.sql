-- Revocation in the world (issue 18): each issuing CA's newest CRL, shared by every node so all serve the same one.
-- crl_number only grows: a node replaces the row only where crl_number is still the one it read (conditional
-- update), so of nodes racing, one wins. revoked_count: the CA's revoked certificates when the CRL was built; a
-- higher count now means a revocation the CRL lacks. der: base64 of the signed CRL.
CREATE TABLE certificate_revocation_lists (
    instance      VARCHAR(255) NOT NULL,
    ca_key        VARCHAR(128) NOT NULL,
    crl_number    BIGINT       NOT NULL,
    revoked_count INTEGER      NOT NULL,
    this_update   TIMESTAMP WITH TIME ZONE NOT NULL,
    next_update   TIMESTAMP WITH TIME ZONE NOT NULL,
    der           VARCHAR      NOT NULL,
    PRIMARY KEY (instance, ca_key)
);

-- Every node asks every 2 s for the certificates revoked since its last look (to close their live hub sessions),
-- and the CRL's staleness check counts a CA's revoked ones: both read only the (few) revoked rows through this.
CREATE INDEX issued_certificates_by_revocation ON issued_certificates (revoked_at);

-- The expiring-soon gauge reads the certificates whose not-after falls in the coming days, not the whole inventory.
CREATE INDEX issued_certificates_by_expiry ON issued_certificates (not_after);
