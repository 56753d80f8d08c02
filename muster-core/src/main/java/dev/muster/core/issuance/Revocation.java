package dev.muster.core.issuance;

import java.time.Instant;

/**
 * A certificate some node revoked, as the others learn of it by polling the store: enough to find the live hub
 * sessions that presented it ({@code sha256Thumbprint}, unique across CAs, unlike serials).
 */
public record Revocation(String instance, String issuingCa, String serialNumber, String sha256Thumbprint,
                         Instant revokedAt) {}
