package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import java.time.Instant;
import java.util.Locale;

/**
 * Where a page of a policy's certificates ended, in their order (newest first, then issuing CA and serial): the next
 * page starts strictly after it, so certificates issued meanwhile do not shift the pages (they come before the cursor).
 */
public record InventoryCursor(Instant issuedAt, String issuingCaKey, String serialNumber) {
    public static InventoryCursor after(IssuedCertificate last) {
        return new InventoryCursor(last.issuedAt(), CertificatePolicy.key(last.issuingCa()),
                last.serialNumber().toUpperCase(Locale.ROOT));
    }

    /** Its text form, {@code seconds.nanos/ca/serial}: the service API wraps it in a continuation token. */
    public String text() {
        return issuedAt.getEpochSecond() + "." + issuedAt.getNano() + "/" + issuingCaKey + "/" + serialNumber;
    }

    /** @throws ProvisioningException (400) for text {@link #text} did not make */
    public static InventoryCursor parse(String text) {
        String[] parts = text == null ? new String[0] : text.split("/", -1);
        String[] time = parts.length == 3 ? parts[0].split("\\.", -1) : new String[0];
        try {
            if (time.length != 2 || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException("shape");
            }
            // The token may come back lower-cased; serials are stored in upper-case hex.
            return new InventoryCursor(Instant.ofEpochSecond(Long.parseLong(time[0]), Long.parseLong(time[1])),
                    parts[1].toLowerCase(Locale.ROOT), parts[2].toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw ProvisioningException.badRequest("x-ms-continuation is not a token this service issued.");
        }
    }
}
