package dev.muster.core.issuance;

import dev.muster.core.x509.FastCrypto;
import java.io.IOException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The checks every CSR passes before anything is signed: it is base64 DER PKCS#10 (no PEM armour, as the
 * 2025-07-01-preview {@code csr} field is), its signature verifies with its own key (proof of possession), its subject
 * CN is the registration ID, its key is a type and size the policy allows, and the extensions it requests are ones the
 * issued leaf carries anyway — never a CA, never anything else.
 */
public final class CsrCheck {
    /**
     * The DPS error code of every CSR refusal (HTTP 400). Azure publishes no code for this; 400004 is the code of
     * Azure's generic bad-request answer, which the SDKs report as such. <b>Unconfirmed</b> wire choice.
     */
    public static final int CSR_REFUSED = 400004;

    /** Extensions a device may ask for: each is overridden by what the policy sets on every leaf. */
    private static final Set<ASN1ObjectIdentifier> TOLERATED = Set.of(Extension.keyUsage, Extension.extendedKeyUsage,
            Extension.subjectAlternativeName, Extension.subjectKeyIdentifier);

    private CsrCheck() {}

    public static CsrVerdict check(String csrBase64, String registrationId, CertificatePolicy policy) {
        byte[] der;
        try {
            der = Base64.getDecoder().decode(csrBase64.strip());
        } catch (IllegalArgumentException e) {
            return refused("csr is not base64: " + e.getMessage(),
                    "The csr must be the base64 of a DER PKCS#10 certificate signing request (no PEM armour).");
        }
        JcaPKCS10CertificationRequest csr;
        PublicKey key;
        try {
            csr = new JcaPKCS10CertificationRequest(der);
            key = csr.getPublicKey();
        } catch (IOException | IllegalArgumentException | ClassCastException | java.security.GeneralSecurityException e) {
            return refused("csr is not a DER PKCS#10 request: " + e.getMessage(),
                    "The csr must be the base64 of a DER PKCS#10 certificate signing request (no PEM armour).");
        }
        if (!signatureValid(csr)) {
            return refused("the CSR's signature does not verify with its own public key (no proof of possession)",
                    "The certificate signing request's signature is not valid.");
        }
        String cn = commonName(csr);
        if (!registrationId.equals(cn)) {
            return refused("the CSR's subject CN is " + (cn == null ? "missing" : "'" + cn + "'")
                            + ", not the registration ID '" + registrationId + "'",
                    "The certificate signing request's subject CN must be the registration ID.");
        }
        KeyType type;
        try {
            type = keyType(csr.getSubjectPublicKeyInfo(), key);
        } catch (IllegalArgumentException e) {
            return refused(e.getMessage(), "The certificate signing request's key type is not allowed.");
        }
        if (!policy.allows(type)) {
            return refused("policy '" + policy.name() + "' does not allow " + type.wireName() + " keys (allows "
                    + policy.keyTypes().stream().map(KeyType::wireName).sorted().toList() + ")",
                    "The certificate signing request's key type is not allowed.");
        }
        String extensionProblem = extensionProblem(csr);
        if (extensionProblem != null) {
            return refused(extensionProblem, "The certificate signing request asks for an extension that is not allowed.");
        }
        return new CsrVerdict.Accepted(key, type);
    }

    private static boolean signatureValid(JcaPKCS10CertificationRequest csr) {
        try {
            return csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(FastCrypto.PROVIDER).build(csr.getPublicKey()));
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static String commonName(JcaPKCS10CertificationRequest csr) {
        RDN[] cns = csr.getSubject().getRDNs(BCStyle.CN);
        // Exactly one CN: with two, which one a hub or a relying party reads is not defined.
        return cns.length != 1 || cns[0].isMultiValued() ? null
                : IETFUtils.valueToString(cns[0].getFirst().getValue());
    }

    /** ECDSA on P-256/P-384 (named curves only), or RSA of at least 2048 bits; else refused with the reason. */
    static KeyType keyType(SubjectPublicKeyInfo info, PublicKey key) {
        if (key instanceof ECPublicKey) {
            ASN1Encodable params = info.getAlgorithm().getParameters();
            if (SECObjectIdentifiers.secp256r1.equals(params)) {
                return KeyType.EC_P256;
            }
            if (SECObjectIdentifiers.secp384r1.equals(params)) {
                return KeyType.EC_P384;
            }
            throw new IllegalArgumentException("the CSR's EC key is on curve " + params
                    + "; only P-256 and P-384 (named curves) are allowed");
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < KeyType.RSA_MINIMUM_BITS) {
                throw new IllegalArgumentException("the CSR's RSA key has " + bits + " bits; at least "
                        + KeyType.RSA_MINIMUM_BITS + " are required");
            }
            return KeyType.RSA;
        }
        throw new IllegalArgumentException("the CSR's key is " + key.getAlgorithm()
                + "; only ECDSA P-256/P-384 and RSA are allowed");
    }

    private static String extensionProblem(JcaPKCS10CertificationRequest csr) {
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (var value : a.getAttributeValues()) {
                Extensions extensions = Extensions.getInstance(value);
                for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
                    if (oid.equals(Extension.basicConstraints)) {
                        BasicConstraints bc = BasicConstraints.fromExtensions(extensions);
                        if (bc != null && bc.isCA()) {
                            return "the CSR asks to be a CA (basicConstraints CA:TRUE)";
                        }
                    } else if (!TOLERATED.contains(oid)) {
                        return "the CSR asks for extension " + oid.getId() + ", which issued certificates never carry";
                    }
                }
            }
        }
        return null;
    }

    private static CsrVerdict.Refused refused(String reason, String deviceMessage) {
        return new CsrVerdict.Refused(reason, CSR_REFUSED, deviceMessage);
    }
}
