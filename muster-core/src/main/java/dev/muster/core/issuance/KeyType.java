package dev.muster.core.issuance;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The device key types a certificate policy may allow: ECDSA on P-256 or P-384, or RSA of at least
 * {@link #RSA_MINIMUM_BITS} bits (smaller RSA keys are never allowed, whatever the policy says).
 */
public enum KeyType {
    EC_P256("ec-p256"), EC_P384("ec-p384"), RSA("rsa");

    public static final int RSA_MINIMUM_BITS = 2048;

    private final String wireName;

    KeyType(String wireName) {
        this.wireName = wireName;
    }

    /** The name the service API and CLI use: {@code ec-p256}, {@code ec-p384}, {@code rsa}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static KeyType parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (KeyType t : values()) {
            if (t.wireName.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("key type '" + name + "' is not one of ec-p256, ec-p384, rsa");
    }
}
