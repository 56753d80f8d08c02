package dev.muster.core.issuance;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * Where an issuing CA's private key is: in memory (generated or uploaded; stores seal it at rest) or in a PKCS#11 token
 * it never leaves (stores keep only its {@code pkcs11:} URI and the sealed PIN).
 */
public sealed interface CaKey {
    /** A key Muster holds: generated on first use or uploaded by the operator. */
    record Local(PrivateKey privateKey) implements CaKey {
        public Local {
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public String toString() {
            return "Local[" + privateKey.getAlgorithm() + "]"; // never the key
        }
    }

    /**
     * A key in a token, reached through {@code tokens} (the server's PKCS#11 library). A CA read from a store has no
     * {@code tokens} until {@link CertificateIssuance} binds it: stores know nothing of the library.
     */
    record Token(Pkcs11Uri uri, String pin, Pkcs11Tokens tokens) implements CaKey {
        public Token {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(pin, "pin");
        }

        public Token bind(Pkcs11Tokens with) {
            return new Token(uri, pin, with);
        }

        @Override
        public String toString() {
            return "Token[" + uri + "]"; // never the PIN
        }
    }
}
