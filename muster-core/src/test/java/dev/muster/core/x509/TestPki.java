package dev.muster.core.x509;

import dev.muster.core.x509.CertificateMaker.KeyType;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Certificates made in the tests with BouncyCastle (through {@link CertificateMaker}'s builder). */
public final class TestPki {
    private TestPki() {}

    /** A certificate and its key. */
    public record Issued(X509Certificate cert, KeyPair keys) {
        public Issued issueCa(String cn) {
            KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
            return new Issued(CertificateMaker.builder(cn, kp.getPublic()).ca(-1).validFor(Duration.ofDays(30))
                    .signedBy(cert, keys.getPrivate()), kp);
        }

        public Issued issueDevice(String cn) {
            return issueDevice(cn, KeyType.EC_P256);
        }

        public Issued issueDevice(String cn, KeyType type) {
            KeyPair kp = CertificateMaker.keyPair(type);
            return new Issued(CertificateMaker.builder(cn, kp.getPublic()).leaf().validFor(Duration.ofDays(30))
                    .signedBy(cert, keys.getPrivate()), kp);
        }

        public Issued issue(CertificateMaker.Builder b, KeyPair kp) {
            return new Issued(b.signedBy(cert, keys.getPrivate()), kp);
        }

        public String pem() {
            return Certificates.pem(cert);
        }
    }

    public static Issued root(String cn) {
        return root(cn, KeyType.EC_P256);
    }

    public static Issued root(String cn, KeyType type) {
        KeyPair kp = CertificateMaker.keyPair(type);
        return new Issued(CertificateMaker.root(cn, kp, Duration.ofDays(365)), kp);
    }

    public static Issued selfSignedDevice(String cn) {
        KeyPair kp = CertificateMaker.keyPair(KeyType.EC_P256);
        return new Issued(CertificateMaker.device(cn, kp, null, null, Duration.ofDays(30)), kp);
    }

    public static CertificateMaker.Builder leafBuilder(String cn, KeyPair kp) {
        return CertificateMaker.builder(cn, kp.getPublic()).leaf().validFor(Duration.ofDays(30));
    }

    public static Instant daysAgo(int d) {
        return Instant.now().minus(Duration.ofDays(d));
    }

    public static List<X509Certificate> chain(Issued... certs) {
        return java.util.Arrays.stream(certs).map(Issued::cert).toList();
    }
}
