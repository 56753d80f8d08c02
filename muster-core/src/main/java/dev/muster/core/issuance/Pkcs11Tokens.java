package dev.muster.core.issuance;

import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.CertificateMaker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.security.auth.login.LoginException;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's PKCS#11 library, reached through the JDK's SunPKCS11 provider configured at run time. One provider per
 * token (SunPKCS11 pools the token's sessions, so signatures on many threads share it) and one key handle per key are
 * made on first use and kept; a signature is then only a call into the token.
 */
public final class Pkcs11Tokens {
    /** Debian's SoftHSM2 ({@code apt-get install softhsm2}). */
    public static final String DEFAULT_LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";

    private final String library;
    private final ConcurrentMap<String, Long> slots = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Provider> providers = new ConcurrentHashMap<>();
    /**
     * The PIN each slot was logged in with. A PKCS#11 login holds for the whole process, and a token already logged
     * in accepts any PIN without checking it, so a later caller's PIN is compared with the one the token checked.
     */
    private final ConcurrentMap<Long, String> pins = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, PrivateKey> keys = new ConcurrentHashMap<>();

    /** What a token holds under a key's label: the key handle and the certificate chain stored with it. */
    public record Entry(PrivateKey key, List<X509Certificate> chain) {}

    public Pkcs11Tokens(String library) {
        this.library = library;
    }

    public String library() {
        return library;
    }

    /** Empty when the library can be loaded; else the one-sentence fix, for the server's start-up log. */
    public java.util.Optional<String> problem() {
        if (!Files.isReadable(Path.of(library))) {
            return java.util.Optional.of("PKCS#11 library " + library + " does not exist: install softhsm2 (or your"
                    + " token's module) or start the server with --pkcs11-library PATH.");
        }
        return java.util.Optional.empty();
    }

    /** A signer using the token's key; the first call per key logs in and finds it, later ones reuse the handle. */
    public ContentSigner signer(Pkcs11Uri uri, String pin, String algorithm) {
        PrivateKey key = keys.computeIfAbsent(uri.toString(), u -> entry(uri, pin).key());
        try {
            return new JcaContentSignerBuilder(algorithm).setProvider(provider(uri)).build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("the PKCS#11 key " + uri + " cannot sign " + algorithm + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The key and certificate chain the token holds under the URI's label.
     *
     * @throws ProvisioningException 400 naming the fix when the library, token, PIN or key is wrong
     */
    public Entry entry(Pkcs11Uri uri, String pin) {
        KeyStore store = login(uri, pin);
        try {
            if (!store.isKeyEntry(uri.object())) {
                throw ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " holds no key labelled '"
                        + uri.object() + "' together with its certificate (entries: " + Collections.list(store.aliases())
                        + "); store the CA certificate in the token with the key's label and CKA_ID, or let Muster"
                        + " generate the key.");
            }
            PrivateKey key = (PrivateKey) store.getKey(uri.object(), null);
            Certificate[] chain = store.getCertificateChain(uri.object());
            return new Entry(key, Arrays.stream(chain).map(c -> (X509Certificate) c).toList());
        } catch (GeneralSecurityException e) {
            throw ProvisioningException.badRequest("PKCS#11 key " + uri + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The token's key under the URI's label, for the CA certificate {@code ca}: when the token holds the key without a
     * certificate (made by the HSM's own tools), {@code ca} is stored next to it first, as the key store needs.
     */
    public Entry adopt(Pkcs11Uri uri, String pin, X509Certificate ca) {
        KeyStore store = login(uri, pin);
        long slot = slots.get(uri.tokenSelector());
        Long stored = null;
        try {
            if (!store.containsAlias(uri.object())) {
                stored = Pkcs11Wrapper.storeCertificateOfKey(library, slot, uri.object(), ca);
                keys.remove(uri.toString());
            }
        } catch (java.security.KeyStoreException e) {
            throw ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " cannot be read: "
                    + e.getMessage());
        }
        Entry entry = entry(uri, pin);
        if (stored != null) {
            // Checked before anything else trusts the pairing: a certificate of another key must not stay in the token.
            try {
                CaChainCheck.requireKeyMatches(new JcaContentSignerBuilder(IssuingCa.signatureAlgorithm(
                        ca.getPublicKey())).setProvider(provider(uri)).build(entry.key()), ca);
            } catch (ProvisioningException | OperatorCreationException e) {
                Pkcs11Wrapper.destroyObject(library, slot, stored);
                keys.remove(uri.toString());
                throw e instanceof ProvisioningException p ? p : ProvisioningException.badRequest("The PKCS#11 key '"
                        + uri.object() + "' cannot sign for the CA certificate: " + e.getMessage());
            }
        }
        return entry;
    }

    /**
     * Generates an ECDSA P-256 key pair inside the token (it is made a token object that cannot be extracted) and a
     * self-signed root for it, stored in the token under the URI's label with the key.
     */
    public Entry generate(Pkcs11Uri uri, String pin, String commonName, Duration validity) {
        KeyStore store = login(uri, pin);
        try {
            if (store.containsAlias(uri.object())) {
                throw ProvisioningException.conflict("PKCS#11 token " + uri.tokenName() + " already holds '"
                        + uri.object() + "'; give its certificate chain to use it, or choose another key label.");
            }
            Provider provider = provider(uri);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider(provider)
                    .build(pair.getPrivate());
            X509Certificate root = CertificateMaker.builder(commonName, pair.getPublic()).ca(0).validFor(validity)
                    .signedWith(null, signer);
            store.setKeyEntry(uri.object(), pair.getPrivate(), null, new Certificate[] {root});
            keys.remove(uri.toString());
            return entry(uri, pin);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " could not generate a key: "
                    + e.getMessage());
        }
    }

    /** Forgets a key's handle (its CA was deleted); the provider stays for the token's other keys. */
    public void forget(Pkcs11Uri uri) {
        keys.remove(uri.toString());
    }

    private KeyStore login(Pkcs11Uri uri, String pin) {
        Provider provider = provider(uri);
        long slot = slots.get(uri.tokenSelector());
        String checked = pins.get(slot);
        if (checked != null && !java.security.MessageDigest.isEqual(checked.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                pin.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            throw wrongPin(uri);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin.toCharArray());
            pins.putIfAbsent(slot, pin);
            return store;
        } catch (IOException e) {
            if (pinRefused(e)) {
                throw wrongPin(uri);
            }
            throw ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " cannot be opened: "
                    + rootMessage(e));
        } catch (GeneralSecurityException e) {
            throw ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " cannot be opened: "
                    + e.getMessage());
        }
    }

    private static ProvisioningException wrongPin(Pkcs11Uri uri) {
        return ProvisioningException.badRequest("PKCS#11 token " + uri.tokenName() + " refused the PIN; give the"
                + " token's user PIN (--pin-file).");
    }

    /**
     * The token's provider, configured once per slot (a token named by label and by slot shares it): SunPKCS11 pools
     * its sessions for every thread that signs.
     */
    Provider provider(Pkcs11Uri uri) {
        problem().ifPresent(p -> {
            throw ProvisioningException.badRequest(p);
        });
        long slot = slots.computeIfAbsent(uri.tokenSelector(),
                selector -> uri.slotId() != null ? uri.slotId() : Pkcs11Wrapper.slotOf(library, uri.token()));
        return providers.computeIfAbsent(slot, s -> {
            String config = "--name=muster-" + providers.size() + "-" + slot + "\n"
                    + "library=" + library + "\n"
                    + "slot=" + slot + "\n"
                    // Keys Muster generates are token objects that never leave the token.
                    + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_TOKEN = true\n  CKA_PRIVATE = true\n"
                    + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n"
                    + "attributes(generate, CKO_PUBLIC_KEY, *) = {\n  CKA_TOKEN = true\n}\n";
            try {
                return Security.getProvider("SunPKCS11").configure(config);
            } catch (ProviderException | IllegalArgumentException e) {
                throw ProvisioningException.badRequest("PKCS#11 library " + library + " cannot open "
                        + uri.tokenName() + " (slot " + slot + ": " + rootMessage(e) + "); check the token label or"
                        + " slot.");
            }
        });
    }

    /** SunPKCS11 wraps the token's CKR_PIN_INCORRECT (or a LoginException) in the key store's IOException. */
    private static boolean pinRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LoginException || String.valueOf(t.getMessage()).contains("CKR_PIN")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
