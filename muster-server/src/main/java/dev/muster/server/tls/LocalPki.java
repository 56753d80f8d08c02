package dev.muster.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Muster's own certificates for a data folder: a root CA made once and kept, and an ECDSA P-256 server
 * certificate re-issued whenever the set of names Muster serves changes. Devices and tools trust the CA file.
 */
public final class LocalPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    public LocalPki(Path dir) {
        this.dir = dir;
    }

    public Path caCertificate() { return dir.resolve("ca.pem"); }
    public Path caKey() { return dir.resolve("ca-key.pem"); }
    public Path serverCertificate() { return dir.resolve("server.pem"); }
    public Path serverKey() { return dir.resolve("server-key.pem"); }

    /** Makes sure the CA exists and the server certificate covers every name in {@code hostNames}. */
    public void ensure(Collection<String> hostNames) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        if (!Files.exists(caCertificate()) || !Files.exists(caKey())) {
            createCa();
        }
        Set<String> wanted = new TreeSet<>();
        for (String h : hostNames) {
            wanted.add(h.toLowerCase());
        }
        if (Files.exists(serverCertificate()) && Files.exists(serverKey())) {
            X509Certificate current = Pem.readCertificates(serverCertificate()).get(0);
            if (names(current).containsAll(wanted)
                    && current.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)))) {
                return;
            }
        }
        createServer(wanted);
    }

    private void createCa() throws IOException, GeneralSecurityException {
        KeyPair kp = ecKeyPair();
        X500Name name = new X500Name("CN=Muster Local Root CA " + Long.toHexString(RANDOM.nextLong() & 0xffffffL)
                + ",O=Muster");
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))), name, kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate cert = sign(b, kp.getPrivate());
        writeSecret(caKey(), Pem.encodePrivateKey(kp.getPrivate()));
        writeAtomically(caCertificate(), Pem.encode(cert));
    }

    private void createServer(Set<String> hostNames) throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.readCertificates(caCertificate()).get(0);
        PrivateKey caKey = Pem.readPrivateKey(caKey());
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=" + (hostNames.isEmpty() ? "localhost" : hostNames.iterator().next()) + ",O=Muster"),
                kp.getPublic());
        List<GeneralName> sans = new ArrayList<>();
        for (String h : hostNames) {
            sans.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        X509Certificate cert = sign(b, caKey);
        writeSecret(serverKey(), Pem.encodePrivateKey(kp.getPrivate()));
        // The chain file carries the CA too so clients that only hold the root can build the path.
        writeAtomically(serverCertificate(), Pem.encode(cert) + Pem.encode(ca));
    }

    static Set<String> names(X509Certificate cert) throws GeneralSecurityException {
        Set<String> out = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                String v = String.valueOf(san.get(1)).toLowerCase();
                out.add(isIpLiteral(v) ? canonicalIp(v) : v);
            }
        }
        return out;
    }

    public static boolean isIpLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }

    private static String canonicalIp(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress().equals("0:0:0:0:0:0:0:1") ? "::1" : ip;
        } catch (IOException e) {
            return ip;
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static void writeSecret(Path path, String text) throws IOException {
        Path tmp = Files.createTempFile(path.getParent(), ".key", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.writeString(tmp, text);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAtomically(Path path, String text) throws IOException {
        Path tmp = Files.createTempFile(path.getParent(), ".pem", ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** PEM reading and writing for certificates and keys. */
    public static final class Pem {
        private Pem() {}

        public static String encode(Object o) throws IOException {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
                pw.writeObject(o);
            }
            return w.toString();
        }

        /** PKCS#8 ("PRIVATE KEY"), the form every TLS stack and OpenSSL read. */
        public static String encodePrivateKey(PrivateKey key) throws IOException {
            StringWriter w = new StringWriter();
            try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
                pw.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
            }
            return w.toString();
        }

        public static List<X509Certificate> readCertificates(Path path) throws IOException, GeneralSecurityException {
            try (Reader r = Files.newBufferedReader(path)) {
                return readCertificates(r);
            }
        }

        public static List<X509Certificate> readCertificates(Reader reader) throws IOException, GeneralSecurityException {
            List<X509Certificate> out = new ArrayList<>();
            try (PEMParser p = new PEMParser(reader)) {
                Object o;
                while ((o = p.readObject()) != null) {
                    if (o instanceof org.bouncycastle.cert.X509CertificateHolder h) {
                        out.add(new JcaX509CertificateConverter().getCertificate(h));
                    }
                }
            }
            return out;
        }

        public static PrivateKey readPrivateKey(Path path) throws IOException {
            try (PEMParser p = new PEMParser(Files.newBufferedReader(path))) {
                Object o = p.readObject();
                JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
                throw new IOException(path + " holds no private key");
            }
        }
    }
}
