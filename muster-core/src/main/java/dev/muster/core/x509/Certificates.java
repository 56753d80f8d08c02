package dev.muster.core.x509;

import dev.muster.core.ProvisioningException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Reading, writing and naming X.509 certificates the way Azure shows them: PEM or base64 DER in, SHA-1 and SHA-256
 * thumbprints as upper-case hex, the subject CN as the device's registration ID. Malformed input is a 400 that says
 * what was wrong with which field.
 */
public final class Certificates {
    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private Certificates() {}

    /**
     * Every certificate in {@code text}: PEM (one or more blocks), base64 of such PEM (the C service client's form),
     * or base64 of DER.
     *
     * @param field what the text is, for error messages (e.g. "attestation.x509.clientCertificates.primary")
     */
    public static List<X509Certificate> parseAll(String text, String field) {
        if (text == null || text.isBlank()) {
            throw ProvisioningException.badRequest(field + " is empty: give a PEM or base64 DER X.509 certificate.");
        }
        String t = text.strip();
        if (!t.contains("-----BEGIN")) {
            byte[] decoded;
            String b64 = t.replace("\\n", "\n");
            if (!b64.matches("[A-Za-z0-9+/=\\s_-]+")) {
                throw ProvisioningException.badRequest(field + " is neither PEM (-----BEGIN CERTIFICATE-----) nor base64"
                        + " DER: it holds characters outside the base64 alphabet.");
            }
            try {
                decoded = Base64.getMimeDecoder().decode(b64.replace('-', '+').replace('_', '/'));
            } catch (IllegalArgumentException e) {
                throw ProvisioningException.badRequest(field + " is neither PEM (-----BEGIN CERTIFICATE-----) nor base64"
                        + " DER: " + e.getMessage() + ".");
            }
            String asText = new String(decoded, StandardCharsets.ISO_8859_1);
            if (asText.contains("-----BEGIN")) {
                return parseAll(asText, field);
            }
            if (decoded.length == 0) {
                throw ProvisioningException.badRequest(field + " decodes to nothing: give a PEM or base64 DER certificate.");
            }
            return List.of(der(decoded, field));
        }
        Matcher m = PEM_BLOCK.matcher(t.replace("\\n", "\n").replace("\r", ""));
        List<X509Certificate> out = new ArrayList<>();
        List<String> otherBlocks = new ArrayList<>();
        while (m.find()) {
            String type = m.group(1);
            if (!type.equals("CERTIFICATE") && !type.equals("X509 CERTIFICATE") && !type.equals("TRUSTED CERTIFICATE")) {
                otherBlocks.add(type);
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2).strip());
            } catch (IllegalArgumentException e) {
                throw ProvisioningException.badRequest(field + ": the body of PEM block " + (out.size() + 1)
                        + " is not valid base64 (" + e.getMessage() + ").");
            }
            out.add(der(der, field + " (PEM block " + (out.size() + 1) + ")"));
        }
        if (out.isEmpty()) {
            if (otherBlocks.stream().anyMatch(b -> b.contains("PRIVATE KEY"))) {
                throw ProvisioningException.badRequest(field + " holds a private key (" + otherBlocks + "), not a"
                        + " certificate: upload only the certificate and keep the key secret.");
            }
            throw ProvisioningException.badRequest(field + " holds no complete -----BEGIN CERTIFICATE----- ..."
                    + " -----END CERTIFICATE----- block" + (otherBlocks.isEmpty() ? "" : " (found " + otherBlocks + ")")
                    + ".");
        }
        return out;
    }

    /** Exactly one certificate; several are refused so a chain is never taken for its first element silently. */
    public static X509Certificate parseOne(String text, String field) {
        List<X509Certificate> all = parseAll(text, field);
        if (all.size() != 1) {
            throw ProvisioningException.badRequest(field + " holds " + all.size() + " certificates; give exactly one.");
        }
        return all.get(0);
    }

    private static X509Certificate der(byte[] der, String field) {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (c == null) {
                throw new CertificateException("no certificate");
            }
            return c;
        } catch (CertificateException | RuntimeException e) {
            throw ProvisioningException.badRequest(field + " is not a valid DER X.509 certificate: " + e.getMessage());
        }
    }

    public static String sha1(X509Certificate c) {
        return digest("SHA-1", c);
    }

    public static String sha256(X509Certificate c) {
        return digest("SHA-256", c);
    }

    private static String digest(String algorithm, X509Certificate c) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The subject's (last) common name, or null when it has none. */
    public static String commonName(X509Certificate c) {
        X500Name name = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return null;
        }
        return IETFUtils.valueToString(cns[cns.length - 1].getFirst().getValue());
    }

    /** Subject as Azure shows it: {@code CN=x, O=y}. */
    public static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().toString();
    }

    public static String issuer(X509Certificate c) {
        return c.getIssuerX500Principal().toString();
    }

    /** How a certificate is named in every refusal: subject and SHA-1 thumbprint. */
    public static String describe(X509Certificate c) {
        return "'" + subject(c) + "' (SHA-1 " + sha1(c) + ")";
    }

    public static boolean isSelfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** Self-issued and its signature verifies with its own key. */
    public static boolean isSelfSigned(X509Certificate c) {
        if (!isSelfIssued(c)) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public static boolean isCa(X509Certificate c) {
        return c.getBasicConstraints() >= 0;
    }

    public static String pem(X509Certificate c) {
        return pemObject(c);
    }

    public static String pem(List<X509Certificate> chain) {
        StringBuilder b = new StringBuilder();
        chain.forEach(c -> b.append(pem(c)));
        return b.toString();
    }

    /** PKCS#8 {@code PRIVATE KEY}, the form OpenSSL, Node, Python and Java all read. */
    public static String pem(PrivateKey key) {
        try {
            return pemObject(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pemObject(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /** Reads a PKCS#8 or traditional (EC/RSA) PEM private key. */
    public static PrivateKey readPrivateKey(String pem, String what) {
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) {
                return conv.getPrivateKey(kp.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            throw new IllegalArgumentException(what + " holds no unencrypted PEM private key"
                    + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not a readable PEM private key: " + e.getMessage(), e);
        }
    }
}
