package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key in a PKCS#11 token, named the RFC 7512 way: {@code pkcs11:token=muster;object=ca-key} or
 * {@code pkcs11:slot-id=42;object=ca-key}. {@code object} is the label of the key and of its certificate in the token
 * (the JDK's PKCS#11 key store pairs a key with the certificate of the same CKA_ID and names the pair by that label).
 *
 * @param token the token label, or null when {@code slotId} selects the slot
 * @param slotId the slot, or null when {@code token} selects it
 * @param object the key's label
 */
public record Pkcs11Uri(String token, Long slotId, String object) {
    private static final String SCHEME = "pkcs11:";

    /** @throws ProvisioningException (400) when neither or both of token and slot are given, or no object */
    public Pkcs11Uri {
        if ((token == null || token.isBlank()) == (slotId == null)) {
            throw ProvisioningException.badRequest("A PKCS#11 key needs exactly one of a token label or a slot id.");
        }
        if (object == null || object.isBlank()) {
            throw ProvisioningException.badRequest("A PKCS#11 key needs its label (object=…).");
        }
    }

    /** Reads {@code pkcs11:attr=value;…} (percent-encoded values; query attributes such as pin-value are refused). */
    public static Pkcs11Uri parse(String uri) {
        if (uri == null || !uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw ProvisioningException.badRequest("A PKCS#11 key URI starts with 'pkcs11:'; got '" + uri + "'.");
        }
        String path = uri.substring(SCHEME.length());
        if (path.contains("?")) {
            // RFC 7512 allows pin-value in the query; a PIN belongs in a sealed field, never in a URI that is shown.
            throw ProvisioningException.badRequest("The PKCS#11 URI must not carry query attributes (pin-value…):"
                    + " give the PIN on its own.");
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String part : path.split(";")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw ProvisioningException.badRequest("PKCS#11 URI attribute '" + part + "' has no value.");
            }
            attrs.put(part.substring(0, eq), decode(part.substring(eq + 1)));
        }
        String slot = attrs.get("slot-id");
        Long slotId;
        try {
            slotId = slot == null ? null : Long.parseLong(slot);
        } catch (NumberFormatException e) {
            throw ProvisioningException.badRequest("PKCS#11 URI slot-id must be a number; got '" + slot + "'.");
        }
        return new Pkcs11Uri(attrs.get("token"), slotId, attrs.get("object"));
    }

    public static Pkcs11Uri ofToken(String token, String object) {
        return new Pkcs11Uri(token, null, object);
    }

    /** What selects the token within the library: the provider cache's key. */
    String tokenSelector() {
        return slotId != null ? "slot-id=" + slotId : "token=" + token;
    }

    /** How messages name the token: {@code 'muster'} or {@code slot 42}. */
    String tokenName() {
        return slotId != null ? "slot " + slotId : "'" + token + "'";
    }

    @Override
    public String toString() {
        return SCHEME + (slotId != null ? "slot-id=" + slotId : "token=" + encode(token)) + ";object=" + encode(object);
    }

    private static String encode(String value) {
        StringBuilder b = new StringBuilder();
        for (byte c : value.getBytes(StandardCharsets.UTF_8)) {
            // RFC 7512 §2.3 pchar without ';' and '/' (they separate attributes) — unreserved characters stay as they are.
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private static String decode(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                try {
                    out.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    throw ProvisioningException.badRequest("PKCS#11 URI value '" + value + "' has a bad %-escape.");
                }
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
