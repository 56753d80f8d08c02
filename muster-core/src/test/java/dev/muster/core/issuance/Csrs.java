package dev.muster.core.issuance;

import dev.muster.core.x509.CertificateMaker;
import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Certificate signing requests as a device makes them, and a few no device should make. */
final class Csrs {
    private Csrs() {}

    static KeyPair keys(CertificateMaker.KeyType type) {
        return CertificateMaker.keyPair(type);
    }

    static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** base64 DER of a CSR for {@code subject} (e.g. {@code CN=dev-1}), signed with {@code keys}. */
    static String csr(String subject, KeyPair keys) {
        return base64(builder(subject, keys), keys);
    }

    /** A CSR that also asks for basicConstraints CA:TRUE. */
    static String caCsr(String subject, KeyPair keys) {
        return withExtension(subject, keys, Extension.basicConstraints, new BasicConstraints(true));
    }

    static String withExtension(String subject, KeyPair keys, org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
                                org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(oid, true, value);
            PKCS10CertificationRequestBuilder b = builder(subject, keys);
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            return base64(b, keys);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CSR's DER with one bit of its signature flipped. */
    static String tampered(String csrBase64) {
        byte[] der = Base64.getDecoder().decode(csrBase64);
        der[der.length - 3] ^= 0x01;
        return Base64.getEncoder().encodeToString(der);
    }

    private static PKCS10CertificationRequestBuilder builder(String subject, KeyPair keys) {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
    }

    private static String base64(PKCS10CertificationRequestBuilder b, KeyPair keys) {
        try {
            String alg = "EC".equals(keys.getPrivate().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            return Base64.getEncoder().encodeToString(
                    b.build(new JcaContentSignerBuilder(alg).build(keys.getPrivate())).getEncoded());
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
