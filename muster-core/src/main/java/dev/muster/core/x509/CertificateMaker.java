package dev.muster.core.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the certificates of an X.509 trial (root CA, intermediate CA, device, proof-of-possession verification) so
 * nobody needs OpenSSL: ECDSA P-256 by default, P-384 or RSA on request.
 */
public final class CertificateMaker {
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum KeyType {
        EC_P256, EC_P384, RSA_2048, RSA_3072, RSA_4096;

        /** {@code ec-p256}, {@code p384}, {@code rsa}, {@code rsa-4096}, … */
        public static KeyType parse(String s) {
            String k = s.toLowerCase(Locale.ROOT).replace("_", "-");
            return switch (k) {
                case "ec", "ec-p256", "p256", "p-256", "ecdsa" -> EC_P256;
                case "ec-p384", "p384", "p-384" -> EC_P384;
                case "rsa", "rsa-2048", "rsa2048" -> RSA_2048;
                case "rsa-3072", "rsa3072" -> RSA_3072;
                case "rsa-4096", "rsa4096" -> RSA_4096;
                default -> throw new IllegalArgumentException("key type '" + s
                        + "' is not one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096");
            };
        }
    }

    private CertificateMaker() {}

    public static KeyPair keyPair(KeyType type) {
        try {
            KeyPairGenerator g;
            switch (type) {
                case EC_P256, EC_P384 -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(type == KeyType.EC_P256 ? "secp256r1" : "secp384r1"), RANDOM);
                }
                default -> {
                    g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(type == KeyType.RSA_2048 ? 2048 : type == KeyType.RSA_3072 ? 3072 : 4096, RANDOM);
                }
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed root CA. */
    public static X509Certificate root(String commonName, KeyPair keys, Duration validity) {
        return builder(commonName, keys.getPublic()).ca(-1).validFor(validity).signedBy(null, keys.getPrivate());
    }

    /** An intermediate CA signed by {@code issuer}. */
    public static X509Certificate intermediate(String commonName, KeyPair keys, X509Certificate issuer,
                                               PrivateKey issuerKey, Duration validity) {
        return builder(commonName, keys.getPublic()).ca(-1).validFor(validity).signedBy(issuer, issuerKey);
    }

    /** A device (TLS client) certificate; self-signed when {@code issuer} is null. */
    public static X509Certificate device(String commonName, KeyPair keys, X509Certificate issuer, PrivateKey issuerKey,
                                         Duration validity) {
        return builder(commonName, keys.getPublic()).leaf().validFor(validity)
                .signedBy(issuer, issuer == null ? keys.getPrivate() : issuerKey);
    }

    /** Proof of possession: a short-lived leaf whose CN is the verification code, signed by the CA's key. */
    public static X509Certificate verification(String code, X509Certificate ca, PrivateKey caKey) {
        KeyPair kp = keyPair(KeyType.EC_P256);
        return builder(code, kp.getPublic()).leaf().validFor(Duration.ofDays(1)).signedBy(ca, caKey);
    }

    public static Builder builder(String commonName, PublicKey subjectKey) {
        return new Builder(commonName, subjectKey);
    }

    /** Everything a test needs to make odd certificates too (expired, no basic constraints, server-only EKU…). */
    public static final class Builder {
        private final String commonName;
        private final PublicKey key;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
        private Integer caPathLen;       // null: no basicConstraints; -1: CA without limit
        private boolean leaf;
        private List<KeyPurposeId> eku;
        private String organization = "Muster";

        private Builder(String commonName, PublicKey key) {
            this.commonName = commonName;
            this.key = key;
        }

        public Builder validFor(Duration d) {
            this.notBefore = Instant.now().minus(Duration.ofHours(1));
            this.notAfter = Instant.now().plus(d);
            return this;
        }

        public Builder validity(Instant from, Instant until) {
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        /** A CA; {@code pathLen} -1 = no path length limit. */
        public Builder ca(int pathLen) {
            this.caPathLen = pathLen;
            this.leaf = false;
            return this;
        }

        /** A TLS client leaf: CA=false, digitalSignature, clientAuth. */
        public Builder leaf() {
            this.leaf = true;
            this.caPathLen = null;
            this.eku = List.of(KeyPurposeId.id_kp_clientAuth);
            return this;
        }

        /** No basicConstraints extension at all. */
        public Builder noBasicConstraints() {
            this.caPathLen = null;
            this.leaf = false;
            return this;
        }

        /** Extended key usage OIDs of the leaf (e.g. only serverAuth 1.3.6.1.5.5.7.3.1). */
        public Builder extendedKeyUsage(String... oids) {
            this.eku = java.util.Arrays.stream(oids).map(o -> KeyPurposeId.getInstance(
                    new org.bouncycastle.asn1.ASN1ObjectIdentifier(o))).toList();
            return this;
        }

        public Builder organization(String o) {
            this.organization = o;
            return this;
        }

        /** @param issuer null for self-signed */
        public X509Certificate signedBy(X509Certificate issuer, PrivateKey issuerKey) {
            try {
                return signedWith(issuer, new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey));
            } catch (OperatorCreationException e) {
                throw new IllegalStateException("cannot make certificate " + commonName + ": " + e.getMessage(), e);
            }
        }

        /** Signed by a signer whose key may be out of reach (a PKCS#11 token's); {@code issuer} null for self-signed. */
        public X509Certificate signedWith(X509Certificate issuer, org.bouncycastle.operator.ContentSigner signer) {
            try {
                X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
                if (organization != null) {
                    nb.addRDN(BCStyle.O, organization);
                }
                nb.addRDN(BCStyle.CN, commonName);
                X500Name subject = nb.build();
                X500Name issuerName = issuer == null ? subject
                        : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
                X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                        new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                        subject, key);
                JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
                if (caPathLen != null) {
                    b.addExtension(Extension.basicConstraints, true,
                            caPathLen < 0 ? new BasicConstraints(true) : new BasicConstraints(caPathLen));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                } else if (leaf) {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                }
                if (eku != null) {
                    b.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(eku.toArray(new KeyPurposeId[0])));
                }
                b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
                if (issuer != null) {
                    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
                }
                return new JcaX509CertificateConverter().getCertificate(b.build(signer));
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("cannot make certificate " + commonName + ": " + e.getMessage(), e);
            }
        }
    }

    static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof ECPrivateKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        return "SHA256withRSA";
    }
}
