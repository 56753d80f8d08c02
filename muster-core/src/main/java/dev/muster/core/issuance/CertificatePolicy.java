package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import java.net.URI;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How an instance issues operational certificates to devices that send a CSR when they register: which of its CAs
 * signs, for how many days, which device keys it accepts, and the CRL distribution point written into every leaf.
 *
 * @param name the policy's name (enrollments name it in {@code credentialPolicyName}); compared case-insensitively
 * @param issuingCa the name of the instance's issuing CA that signs the leaves
 * @param validityDays 1 to {@link #MAX_VALIDITY_DAYS}
 * @param keyTypes the device key types accepted; never empty
 * @param crlDistributionPoint an http(s) URL, or null to leave the extension out
 * @param etag changes on every replace, so {@code If-Match} can guard it; null on a policy not stored yet (and on the
 *             {@code default} policies stored before schema V23)
 */
public record CertificatePolicy(String name, String issuingCa, int validityDays, Set<KeyType> keyTypes,
                                String crlDistributionPoint, String etag) {
    /** The policy every instance has; a CSR whose enrollment names no policy is issued from it. */
    public static final String DEFAULT = "default";
    public static final int DEFAULT_VALIDITY_DAYS = 30;
    public static final int MAX_VALIDITY_DAYS = 90;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** @throws ProvisioningException (400) naming the first field that is out of range */
    public CertificatePolicy {
        requireName(name, "name");
        requireName(issuingCa, "issuingCa");
        if (validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
            throw ProvisioningException.badRequest("validityDays must be 1 to " + MAX_VALIDITY_DAYS + "; got "
                    + validityDays + ".");
        }
        if (keyTypes == null || keyTypes.isEmpty()) {
            throw ProvisioningException.badRequest("keyTypes must name at least one of ec-p256, ec-p384, rsa.");
        }
        // In the enum's order (ec-p256, ec-p384, rsa), so documents and listings read the same every time.
        keyTypes = java.util.Collections.unmodifiableSet(EnumSet.copyOf(keyTypes));
        if (crlDistributionPoint != null) {
            requireHttpUrl(crlDistributionPoint);
        }
    }

    /** A policy without an etag: what callers build, and the service stamps with one when it stores it. */
    public CertificatePolicy(String name, String issuingCa, int validityDays, Set<KeyType> keyTypes,
                             String crlDistributionPoint) {
        this(name, issuingCa, validityDays, keyTypes, crlDistributionPoint, null);
    }

    /** The instance's {@code default} policy: its generated CA, 30 days, every allowed key type. */
    public static CertificatePolicy defaultPolicy(String crlDistributionPoint) {
        return new CertificatePolicy(DEFAULT, IssuingCa.DEFAULT, DEFAULT_VALIDITY_DAYS, EnumSet.allOf(KeyType.class),
                crlDistributionPoint);
    }

    public boolean isDefault() {
        return DEFAULT.equalsIgnoreCase(name);
    }

    public boolean allows(KeyType type) {
        return keyTypes.contains(type);
    }

    /** The case-insensitive key the stores index a policy by. */
    public static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    static void requireName(String value, String field) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw ProvisioningException.badRequest(field + " must be 1 to 128 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit; got '" + value + "'.");
        }
    }

    private static void requireHttpUrl(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
                throw new IllegalArgumentException("not an absolute http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            // RFC 5280 §4.2.1.13: relying parties fetch the CRL over HTTP; an unusable URL would break every check.
            throw ProvisioningException.badRequest("crlDistributionPoint must be an absolute http(s) URL; got '" + url
                    + "'.");
        }
    }

    /** This policy under another name and etag: how a replacement keeps the stored spelling of the name. */
    public CertificatePolicy stored(String storedName, String newEtag) {
        return new CertificatePolicy(storedName, issuingCa, validityDays, keyTypes, crlDistributionPoint, newEtag);
    }
}
