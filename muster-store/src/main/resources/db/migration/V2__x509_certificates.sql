-- X.509 attestation. Certificates are public: stored as plain JSON documents (not sealed).

-- CA certificates of each instance (proof of possession; referenced by enrollment groups' caReferences).
CREATE TABLE ca_certificates (
    instance VARCHAR(255) NOT NULL,
    name_key VARCHAR(128) ${key_collation} NOT NULL,
    etag     VARCHAR(128),
    doc      VARCHAR      NOT NULL,
    PRIMARY KEY (instance, name_key)
);

-- CA certificates a built-in hub trusts for devices of type certificateAuthority.
CREATE TABLE hub_trusted_certificates (
    hub_key    VARCHAR(255) NOT NULL,
    thumbprint VARCHAR(64)  NOT NULL,
    added_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    doc        VARCHAR      NOT NULL,
    PRIMARY KEY (hub_key, thumbprint)
);
