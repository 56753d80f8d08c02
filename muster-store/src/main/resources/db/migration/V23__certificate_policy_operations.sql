-- Operating certificate issuance: policies are replaced under an etag (conditional on this column; null on a policy
-- stored before this version, which the first replacement gives one), a policy that enrollments or groups name in
-- credentialPolicyName is not deleted (counted on the copied-out, lower-cased name: the documents are sealed), and a
-- policy's certificates are listed newest first. credentialPolicyName appeared in the same release as V20, so no
-- released database has enrollments naming a policy and the new columns need no fill.
ALTER TABLE certificate_policies ADD COLUMN etag VARCHAR(64);

ALTER TABLE enrollments ADD COLUMN credential_policy VARCHAR(128);
ALTER TABLE enrollment_groups ADD COLUMN credential_policy VARCHAR(128);
CREATE INDEX enrollments_by_credential_policy ON enrollments (instance, credential_policy);
CREATE INDEX enrollment_groups_by_credential_policy ON enrollment_groups (instance, credential_policy);

CREATE INDEX issued_certificates_by_policy ON issued_certificates (instance, policy, issued_at);
