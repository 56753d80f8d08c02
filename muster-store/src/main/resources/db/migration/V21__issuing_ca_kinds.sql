-- Issuing CAs beyond the generated one: an operator's uploaded CA (key sealed in private_key, as the generated one's)
-- or a CA whose key stays in a PKCS#11 token: then private_key is empty and the store keeps the key's RFC 7512 URI
-- (key_uri, public) and the token's PIN (key_pin, sealed with the store's secret key).
ALTER TABLE issuing_cas ADD COLUMN kind VARCHAR(16) DEFAULT 'generated' NOT NULL;
ALTER TABLE issuing_cas ADD COLUMN key_uri VARCHAR(1024);
ALTER TABLE issuing_cas ADD COLUMN key_pin VARCHAR;
ALTER TABLE issuing_cas ALTER COLUMN private_key DROP NOT NULL;
