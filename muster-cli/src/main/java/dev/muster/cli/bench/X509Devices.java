package dev.muster.cli.bench;

import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.net.Socket;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The X.509 group storm's devices: a root CA (ECDSA P-256) that the benchmark's enrollment group names as its signing
 * certificate, and one ECDSA P-256 device certificate per device with the registration ID as subject CN, as a
 * factory line issues them. All are made before the phase; issuing them is not measured.
 */
public final class X509Devices {
    private final KeyPair rootKeys = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
    private final X509Certificate root;
    private final KeyManager keyManager = new KeyManager();

    public X509Devices(String rootName) {
        this.root = CertificateMaker.root(rootName, rootKeys, Duration.ofDays(7));
    }

    /** The root in PEM, for the group's {@code attestation.x509.signingCertificates.primary}. */
    public String rootPem() {
        return Certificates.pem(root);
    }

    /** Issues the certificates of these registration IDs (in parallel: key generation dominates). */
    public void issue(String[] registrationIds) {
        IntStream.range(0, registrationIds.length).parallel().forEach(i -> {
            KeyPair kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
            X509Certificate cert = CertificateMaker.device(registrationIds[i], kp, root, rootKeys.getPrivate(),
                    Duration.ofDays(7));
            keyManager.identities.put(registrationIds[i], new Identity(kp.getPrivate(), new X509Certificate[] {cert}));
        });
    }

    public KeyManager keyManager() {
        return keyManager;
    }

    private record Identity(PrivateKey key, X509Certificate[] chain) {}

    /**
     * Presents, on each connection, the certificate of the device that connection belongs to: the load generator
     * binds each new engine to its device before the handshake, and the TLS stack asks for the alias by engine.
     */
    public static final class KeyManager extends X509ExtendedKeyManager {
        private final Map<String, Identity> identities = new ConcurrentHashMap<>();
        private final Map<SSLEngine, String> engines = new ConcurrentHashMap<>();

        void bind(SSLEngine engine, String device) {
            engines.put(engine, device);
        }

        void unbind(SSLEngine engine) {
            engines.remove(engine);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return engines.get(engine);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Identity id = alias == null ? null : identities.get(alias);
            return id == null ? null : id.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Identity id = alias == null ? null : identities.get(alias);
            return id == null ? null : id.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return identities.keySet().toArray(new String[0]);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
