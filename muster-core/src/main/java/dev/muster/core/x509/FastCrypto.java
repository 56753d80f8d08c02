package dev.muster.core.x509;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * BouncyCastle as the provider for the signatures on a registration's hot path (chain links, CSR proof of possession,
 * issued leaves). Its P-256 arithmetic is several times faster than the JDK's constant-time SunEC code, which a profile
 * of the issuance benchmark showed taking two thirds of the server's CPU. Passed explicitly, never registered with
 * {@code Security.addProvider}, so nothing else in the JVM changes provider by accident.
 */
public final class FastCrypto {
    public static final Provider PROVIDER = new BouncyCastleProvider();

    private FastCrypto() {
    }
}
