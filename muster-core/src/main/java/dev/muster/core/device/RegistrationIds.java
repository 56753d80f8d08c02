package dev.muster.core.device;

import dev.muster.core.ProvisioningException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Azure's registration ID rule: case-insensitive, at most 128 characters, alphanumerics and {@code - . _ :},
 * ending in an alphanumeric or {@code -}. Enrollment group IDs follow the same rule.
 */
public final class RegistrationIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9\\-._:]{0,127}[A-Za-z0-9\\-]");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}");

    private RegistrationIds() {}

    public static String requireValid(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw ProvisioningException.badRequest("The " + what + " is missing.");
        }
        if (id.length() > 128) {
            throw ProvisioningException.badRequest("The " + what + " is longer than 128 characters.");
        }
        if (!VALID.matcher(id).matches()) {
            throw ProvisioningException.badRequest("The " + what + " '" + printable(id) + "' is invalid: use only letters,"
                    + " digits and - . _ : and end with a letter, a digit or -.");
        }
        return id;
    }

    /** Hub device ID rule (IoT Hub): up to 128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '. */
    public static String requireValidDeviceId(String id) {
        if (id != null && !DEVICE_ID.matcher(id).matches()) {
            throw ProvisioningException.badRequest("The deviceId '" + printable(id) + "' is invalid: up to 128 letters,"
                    + " digits and - . % _ * ? ! ( ) , : = @ $ ' are allowed.");
        }
        return id;
    }

    /** The key registration IDs are stored and compared under. */
    public static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
