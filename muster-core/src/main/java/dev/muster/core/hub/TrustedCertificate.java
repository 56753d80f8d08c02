package dev.muster.core.hub;

/**
 * A CA certificate a built-in hub trusts for devices of type {@code certificateAuthority}, written by the
 * provisioning service when it creates such a device (or by an operator through the hub API).
 *
 * @param certificate PEM
 */
public record TrustedCertificate(String sha256Thumbprint, String subject, String certificate, String addedUtc) {}
