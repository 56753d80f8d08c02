package dev.muster.hub.http;

import dev.muster.core.hub.HubDevice;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import dev.muster.hub.telemetry.ConnectionAuth;
import dev.muster.hub.telemetry.TelemetrySender;
import dev.muster.transport.ClientCertificates;
import dev.muster.transport.Exchange;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a device's (or module's) HTTPS request is: its SAS token in {@code Authorization}
 * ({@code sr={hub}/devices/{d}[/modules/{m}]}) or, with no such header, its TLS client certificate, as the Java and
 * Node HTTPS device clients send them.
 */
final class DeviceHttpAuth {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceHttpAuth.class);

    /** What a request presented, read on the event loop; checked later off it. */
    record Credentials(String authorization, List<X509Certificate> chain) {
        static Credentials of(Exchange ex) {
            String authorization = ex.header("Authorization");
            List<X509Certificate> chain = authorization == null || authorization.isBlank()
                    ? ClientCertificates.of(ex.request().isSSL() ? ex.request().sslSession() : null) : List.of();
            return new Credentials(authorization, chain);
        }

        boolean byToken() {
            return authorization != null && !authorization.isBlank();
        }
    }

    private final BuiltInHub builtIn;

    DeviceHttpAuth(BuiltInHub builtIn) {
        this.builtIn = builtIn;
    }

    /**
     * Blocking (the registry). @return the admitted sender, as its telemetry is stamped
     * @throws HubError 401 when neither the token nor the certificate admits it
     */
    TelemetrySender authenticate(ConnectionKey key, Credentials c) {
        var auth = builtIn.authentication();
        Optional<String> refusal;
        if (c.byToken()) {
            refusal = key.isModule()
                    ? auth.authenticateModule(key.hub(), key.deviceId(), key.moduleId(), c.authorization())
                    : auth.authenticateDevice(key.hub(), key.deviceId(), c.authorization());
        } else {
            refusal = key.isModule()
                    ? auth.authenticateModuleCertificate(key.hub(), key.deviceId(), key.moduleId(), c.chain())
                    : auth.authenticateDeviceCertificate(key.hub(), key.deviceId(), c.chain());
        }
        if (refusal.isPresent()) {
            LOG.info("hub {} refused an HTTPS request of {}: {}", key.hub(), key.clientId(), refusal.get());
            throw new HubError(HubErrorCode.UNAUTHORIZED, "The device is not authorized on " + key.hub() + ".");
        }
        HubDevice device = builtIn.devices().storedDevice(key.hub(), key.deviceId())
                .orElseThrow(() -> HubError.deviceNotFound(key.deviceId()));
        return new TelemetrySender(key, c.byToken() ? ConnectionAuth.SAS
                : ConnectionAuth.ofCertificate(device, key.isModule()), device.generationId());
    }
}
