-- Certificate issuance (DPS data-plane 2025-07-01-preview csr): each instance's certificate policies, its issuing CAs
-- and the inventory of the certificates it issued. A CA's private key is sealed with the store's secret key; its
-- certificates are public. Inserts are conditional on the primary keys, so nodes racing to create an instance's
-- default CA agree on the first one stored.
CREATE TABLE certificate_policies (
    instance VARCHAR(255) NOT NULL,
    name_key VARCHAR(128) NOT NULL,
    doc      VARCHAR      NOT NULL,
    PRIMARY KEY (instance, name_key)
);

-- certificates: PEM, the CA's own certificate first, then its issuers up to the root.
CREATE TABLE issuing_cas (
    instance     VARCHAR(255) NOT NULL,
    name_key     VARCHAR(128) NOT NULL,
    name         VARCHAR(128) NOT NULL,
    certificates VARCHAR      NOT NULL,
    private_key  VARCHAR      NOT NULL,
    PRIMARY KEY (instance, name_key)
);

-- serial: upper-case hex, unique per issuing CA; registration_key: the case-insensitive registration ID.
CREATE TABLE issued_certificates (
    instance         VARCHAR(255) NOT NULL,
    ca_key           VARCHAR(128) NOT NULL,
    serial           VARCHAR(64)  NOT NULL,
    registration_key VARCHAR(128) NOT NULL,
    registration_id  VARCHAR(128) NOT NULL,
    thumbprint       VARCHAR(64)  NOT NULL,
    not_after        TIMESTAMP WITH TIME ZONE NOT NULL,
    policy           VARCHAR(128) NOT NULL,
    issuing_ca       VARCHAR(128) NOT NULL,
    issued_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at       TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (instance, ca_key, serial)
);

CREATE INDEX issued_certificates_by_registration ON issued_certificates (instance, registration_key, issued_at);
