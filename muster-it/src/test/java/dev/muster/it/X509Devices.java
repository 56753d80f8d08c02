package dev.muster.it;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.hsm.SecurityProviderX509Cert;
import dev.muster.core.x509.CertificateMaker;
import dev.muster.core.x509.Certificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** X.509 devices driven by the official Azure SDKs: a certificate, its key and the intermediates it sends. */
final class X509Devices {
    private X509Devices() {}

    /** A certificate with its key; {@code chain} is what the device sends after its own certificate. */
    record Identity(X509Certificate cert, PrivateKey key, List<X509Certificate> chain) {
        String cn() {
            return Certificates.commonName(cert);
        }

        String pem() {
            return Certificates.pem(cert);
        }

        Identity issueCa(String cn) {
            KeyPair kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
            X509Certificate c = CertificateMaker.intermediate(cn, kp, cert, key, Duration.ofDays(30));
            List<X509Certificate> up = new ArrayList<>();
            if (!Certificates.isSelfSigned(cert)) {
                up.add(cert);
                up.addAll(chain);
            }
            return new Identity(c, kp.getPrivate(), up);
        }

        Identity issueDevice(String cn) {
            return issueDevice(cn, CertificateMaker.KeyType.EC_P256);
        }

        Identity issueDevice(String cn, CertificateMaker.KeyType type) {
            KeyPair kp = CertificateMaker.keyPair(type);
            return issue(CertificateMaker.builder(cn, kp.getPublic()).leaf().validFor(Duration.ofDays(30)), kp);
        }

        Identity issue(CertificateMaker.Builder b, KeyPair kp) {
            X509Certificate c = b.signedBy(cert, key);
            List<X509Certificate> up = new ArrayList<>();
            if (!Certificates.isSelfSigned(cert)) {
                up.add(cert);
                up.addAll(chain);
            }
            return new Identity(c, kp.getPrivate(), up);
        }
    }

    static Identity root(String cn) {
        KeyPair kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        return new Identity(CertificateMaker.root(cn, kp, Duration.ofDays(30)), kp.getPrivate(), List.of());
    }

    static Identity selfSigned(String cn) {
        KeyPair kp = CertificateMaker.keyPair(CertificateMaker.KeyType.EC_P256);
        return new Identity(CertificateMaker.device(cn, kp, null, null, Duration.ofDays(30)), kp.getPrivate(), List.of());
    }

    /** An SSLContext holding the device's key and chain, trusting Muster's CA. */
    static SSLContext sslContext(Identity device) {
        return sslContext(device, "TLSv1.2");
    }

    static SSLContext sslContext(Identity device, String protocol) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            List<Certificate> chain = new ArrayList<>();
            chain.add(device.cert());
            chain.addAll(device.chain());
            ks.setKeyEntry("device", device.key(), new char[0], chain.toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            X509Certificate ca = dev.muster.server.tls.LocalPki.Pem.readCertificates(
                    java.nio.file.Path.of(MusterUnderTest.info().caCertificate())).get(0);
            trust.setCertificateEntry("muster", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SDK's X.509 provider; its only TLS hook is getSSLContext, which must also trust Muster's CA. */
    static final class TrustingX509Provider extends SecurityProviderX509Cert {
        private final SSLContext ctx;

        TrustingX509Provider(Identity device) {
            super(device.cert(), device.key(), device.chain());
            this.ctx = sslContext(device);
        }

        @Override
        public SSLContext getSSLContext() {
            return ctx;
        }
    }

    static Devices.Outcome register(Identity device, ProvisioningDeviceClientTransportProtocol protocol) throws Exception {
        return Devices.registerOnce(ProvisioningDeviceClient.create(MusterUnderTest.info().globalEndpoint(),
                MusterUnderTest.info().idScope(), protocol, new TrustingX509Provider(device)), null);
    }

    /** DeviceClient with an x509 connection string and the device's SSLContext (iot-device-client 2.5.0). */
    static DeviceClient hubClient(String hub, String deviceId, Identity device) {
        return new DeviceClient("HostName=" + hub + ";DeviceId=" + deviceId + ";x509=true", IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(sslContext(device)).build());
    }

    /** DeviceClient from the X.509 security provider (its getSSLContext is used). */
    static DeviceClient hubClientFromProvider(String hub, String deviceId, Identity device) throws Exception {
        return new DeviceClient(hub, deviceId, new TrustingX509Provider(device), IotHubClientProtocol.MQTT);
    }

    /** A raw HTTPS register with the device's certificate and no Authorization header, on a fresh connection. */
    static HttpResponse<String> rawRegister(Identity device, String registrationIdInPath) throws Exception {
        return rawRegister(sslContext(device), registrationIdInPath);
    }

    static HttpResponse<String> rawRegister(SSLContext ctx, String registrationIdInPath) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest r = HttpRequest.newBuilder(URI.create("https://" + MusterUnderTest.info().globalEndpoint() + "/"
                        + MusterUnderTest.info().idScope() + "/registrations/" + registrationIdInPath
                        + "/register?api-version=2019-03-31"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"registrationId\":\"" + registrationIdInPath + "\"}"))
                .build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
