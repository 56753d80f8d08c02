package dev.muster.server.issuance;

import dev.muster.core.issuance.CertificateIssuance;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.Pkcs11Tokens;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's certificate issuance: its PKCS#11 library for token CAs and its CRL listener's URLs. */
public final class ServerIssuance {
    private static final Logger LOG = LoggerFactory.getLogger(ServerIssuance.class);

    private ServerIssuance() {
    }

    /**
     * @param pkcs11Library {@code --pkcs11-library}; an unusable one is logged, not fatal: only token CAs need it
     * @param crlBaseUrl {@code --crl-base-url}, null when no CRL is published
     */
    public static CertificateIssuance create(IssuanceStore store, Clock clock, String pkcs11Library, String crlBaseUrl) {
        Pkcs11Tokens tokens = new Pkcs11Tokens(pkcs11Library);
        tokens.problem().ifPresent(p -> {
            // Loud only when the operator chose a library; without softhsm2 installed most servers need none.
            if (Pkcs11Tokens.DEFAULT_LIBRARY.equals(pkcs11Library)) {
                LOG.info("issuing CAs in a PKCS#11 token are unavailable: {}", p);
            } else {
                LOG.warn("issuing CAs in a PKCS#11 token are unavailable: {}", p);
            }
        });
        return new CertificateIssuance(store, clock, tokens, CrlEndpoint.locations(crlBaseUrl));
    }
}
