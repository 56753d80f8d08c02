package dev.muster.it;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.provisioning.device.AdditionalData;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** Drives the official Azure Java device SDKs against Muster, the way a device's firmware would. */
final class Devices {
    private Devices() {}

    /** The SDK's symmetric-key provider, trusting Muster's CA (its only TLS hook is getSSLContext). */
    static final class TrustingSymmetricKeyProvider extends SecurityProviderSymmetricKey {
        private final SSLContext trust;

        TrustingSymmetricKeyProvider(String keyBase64, String registrationId) {
            this(keyBase64, registrationId, MusterUnderTest.trust());
        }

        TrustingSymmetricKeyProvider(String keyBase64, String registrationId, SSLContext trust) {
            // The SDK takes the key as its base64 text, as in its samples.
            super(keyBase64.getBytes(StandardCharsets.UTF_8), registrationId);
            this.trust = trust;
        }

        @Override
        public SSLContext getSSLContext() {
            return trust;
        }
    }

    /** Outcome of one SDK registration: the result, or the exception the SDK reported. */
    record Outcome(ProvisioningDeviceClientRegistrationResult result, Exception error) {}

    static Outcome register(String registrationId, String keyBase64, ProvisioningDeviceClientTransportProtocol protocol,
                            String payload) throws Exception {
        return register(MusterUnderTest.info().idScope(), registrationId, keyBase64, protocol, payload);
    }

    /** Through the ID scope of any instance. */
    static Outcome register(String idScope, String registrationId, String keyBase64,
                            ProvisioningDeviceClientTransportProtocol protocol, String payload) throws Exception {
        AdditionalData data = null;
        if (payload != null) {
            data = new AdditionalData();
            data.setProvisioningPayload(payload);
        }
        return registerOnce(ProvisioningDeviceClient.create(MusterUnderTest.info().globalEndpoint(), idScope, protocol,
                new TrustingSymmetricKeyProvider(keyBase64, registrationId)), data);
    }

    /**
     * One registration with the SDK's client, which is closed afterwards. Not registerDeviceSync: it can hang forever
     * if the SDK hits a RuntimeException, so the callback is awaited with a time-out.
     */
    static Outcome registerOnce(ProvisioningDeviceClient client, AdditionalData data) throws Exception {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        try {
            client.registerDevice((result, error, ctx) -> done.complete(new Outcome(result, error)), null, data);
            return done.get(60, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    static String derivedKey(String groupKey, String registrationId) throws Exception {
        // As the SDK sample does: group key as base64 text in, derived key as base64 text out.
        return new String(SecurityProviderSymmetricKey.ComputeDerivedSymmetricKey(
                groupKey.getBytes(StandardCharsets.UTF_8), registrationId), StandardCharsets.UTF_8);
    }

    static DeviceClient hubClient(String hub, String deviceId, String key, IotHubClientProtocol protocol) {
        String cs = "HostName=" + hub + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key;
        return new DeviceClient(cs, protocol, ClientOptions.builder().sslContext(MusterUnderTest.trust()).build());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
