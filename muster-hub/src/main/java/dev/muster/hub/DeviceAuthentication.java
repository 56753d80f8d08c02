package dev.muster.hub;

import dev.muster.core.hub.AuthenticationMechanism;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.X509Thumbprint;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.ChainVerifier;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Whether a device may connect to a built-in hub: by SAS token or by TLS client certificate. Each check returns the
 * reason for a refusal (for the operator's log; the device only sees "not authorized"), empty when accepted.
 */
public final class DeviceAuthentication {
    private final HubStore store;
    private final SasVerifier sas;
    private final ChainVerifier chains;
    private final CaTrust caTrust;
    private volatile IssuedTrust issuedTrust = IssuedTrust.NONE;

    public DeviceAuthentication(HubStore store, Clock clock, ChainVerifier chains, CaTrust caTrust) {
        this.store = store;
        this.sas = new SasVerifier(clock);
        this.chains = chains;
        this.caTrust = caTrust;
    }

    /** Also trusts, for each device, the CAs its provisioning instance issues certificates with. */
    public void trustIssued(IssuedTrust trust) {
        this.issuedTrust = trust == null ? IssuedTrust.NONE : trust;
    }

    /**
     * Checks a device's hub SAS token (reference §4.4): resource {@code {hub}/devices/{id}}, signed with one of the
     * device's keys; the device must be enabled.
     */
    public Optional<String> authenticateDevice(String hub, String deviceId, String token) {
        Optional<SasToken> parsed = SasToken.parse(token);
        if (parsed.isEmpty()) {
            return Optional.of("password is not a SharedAccessSignature token");
        }
        Optional<HubDevice> device = store.device(hub, deviceId);
        if (device.isEmpty()) {
            return Optional.of("device " + deviceId + " is not registered in hub " + hub);
        }
        AuthenticationMechanism auth = device.get().authentication();
        if (auth == null || auth.symmetricKey() == null) {
            return Optional.of("device " + deviceId + " does not use SAS authentication");
        }
        SasVerifier.Result r = sas.verify(parsed.get(), hub + "/devices/" + deviceId,
                List.of(auth.symmetricKey().primaryKey(), auth.symmetricKey().secondaryKey()));
        if (r != SasVerifier.Result.VALID) {
            return Optional.of("SAS token " + r.name().toLowerCase().replace('_', ' '));
        }
        return enabled(hub, device.get());
    }

    /**
     * Checks a device's TLS client certificate (reference §10, X.509): a {@code selfSigned} device must present the
     * certificate with its primary or secondary SHA-1 thumbprint; a {@code certificateAuthority} device a certificate
     * whose CN is its device ID, chaining to a CA the hub trusts.
     */
    public Optional<String> authenticateDeviceCertificate(String hub, String deviceId, List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            return Optional.of("no client certificate and no password");
        }
        Optional<HubDevice> device = store.device(hub, deviceId);
        if (device.isEmpty()) {
            return Optional.of("device " + deviceId + " is not registered in hub " + hub);
        }
        AuthenticationMechanism auth = device.get().authentication();
        String type = auth == null ? AuthenticationMechanism.SAS : auth.type();
        X509Certificate leaf = chain.get(0);
        Optional<String> refused;
        if (AuthenticationMechanism.SELF_SIGNED.equalsIgnoreCase(type)) {
            refused = selfSigned(deviceId, auth.x509Thumbprint(), leaf);
        } else if (AuthenticationMechanism.CERTIFICATE_AUTHORITY.equalsIgnoreCase(type)) {
            refused = signedByTrustedCa(hub, deviceId, chain);
        } else {
            refused = Optional.of("device " + deviceId
                    + " uses SAS authentication; connect with its SAS token as password");
        }
        return refused.isPresent() ? refused : enabled(hub, device.get());
    }

    /**
     * Checks a module's hub SAS token: resource {@code {hub}/devices/{deviceId}/modules/{moduleId}} (URL-decoded,
     * compared case-insensitively), signed with one of the module's keys; the module's device must be enabled.
     */
    public Optional<String> authenticateModule(String hub, String deviceId, String moduleId, String token) {
        Optional<SasToken> parsed = SasToken.parse(token);
        if (parsed.isEmpty()) {
            return Optional.of("password is not a SharedAccessSignature token");
        }
        Optional<HubModule> module = store.module(hub, deviceId, moduleId);
        if (module.isEmpty()) {
            return Optional.of("module " + deviceId + "/" + moduleId + " is not registered in hub " + hub);
        }
        AuthenticationMechanism auth = module.get().authentication();
        if (auth == null || auth.symmetricKey() == null) {
            return Optional.of("module " + deviceId + "/" + moduleId + " does not use SAS authentication");
        }
        SasVerifier.Result r = sas.verify(parsed.get(), hub + "/devices/" + deviceId + "/modules/" + moduleId,
                List.of(auth.symmetricKey().primaryKey(), auth.symmetricKey().secondaryKey()));
        if (r != SasVerifier.Result.VALID) {
            return Optional.of("SAS token " + r.name().toLowerCase().replace('_', ' '));
        }
        return deviceOfModuleEnabled(hub, deviceId);
    }

    /**
     * Checks a module's TLS client certificate: a {@code selfSigned} module must present the certificate with its
     * primary or secondary SHA-1 thumbprint. Certificate-authority authentication is offered to devices only.
     */
    public Optional<String> authenticateModuleCertificate(String hub, String deviceId, String moduleId,
                                                          List<X509Certificate> chain) {
        if (chain == null || chain.isEmpty()) {
            return Optional.of("no client certificate and no password");
        }
        Optional<HubModule> module = store.module(hub, deviceId, moduleId);
        if (module.isEmpty()) {
            return Optional.of("module " + deviceId + "/" + moduleId + " is not registered in hub " + hub);
        }
        AuthenticationMechanism auth = module.get().authentication();
        if (auth == null || !AuthenticationMechanism.SELF_SIGNED.equalsIgnoreCase(auth.type())) {
            return Optional.of("module " + deviceId + "/" + moduleId + " does not use selfSigned X.509 authentication");
        }
        Optional<String> refused = selfSigned(deviceId + "/" + moduleId, auth.x509Thumbprint(), chain.get(0));
        return refused.isPresent() ? refused : deviceOfModuleEnabled(hub, deviceId);
    }

    /** A disabled device's modules may not connect either. */
    private Optional<String> deviceOfModuleEnabled(String hub, String deviceId) {
        return store.device(hub, deviceId).map(d -> enabled(hub, d))
                .orElseGet(() -> Optional.of("device " + deviceId + " is not registered in hub " + hub));
    }

    private Optional<String> selfSigned(String deviceId, X509Thumbprint t, X509Certificate leaf) {
        String sha1 = Certificates.sha1(leaf);
        boolean match = t != null && (sha1.equalsIgnoreCase(thumb(t.primaryThumbprint()))
                || t.secondaryThumbprint() != null && sha1.equalsIgnoreCase(thumb(t.secondaryThumbprint())));
        if (!match) {
            return Optional.of("client certificate " + Certificates.describe(leaf) + " matches neither thumbprint"
                    + " of device " + deviceId + " (" + t + ")");
        }
        return chains.checkLeaf(leaf);
    }

    private Optional<String> signedByTrustedCa(String hub, String deviceId, List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        String cn = Certificates.commonName(leaf);
        List<X509Certificate> issuing = issuedTrust.anchors(hub, deviceId);
        List<X509Certificate> anchors;
        if (deviceId.equals(cn)) {
            anchors = issuing.isEmpty() ? caTrust.anchors(hub)
                    : java.util.stream.Stream.concat(caTrust.anchors(hub).stream(), issuing.stream()).toList();
        } else if (!issuing.isEmpty() && issuedToRegistration(hub, deviceId, cn)) {
            // An issued leaf names the registration (CSR subject), not the device ID the enrollment chose: only the
            // issuing CAs may vouch for that name, never a CA the hub trusts for its own device IDs.
            anchors = issuing;
        } else {
            return Optional.of("client certificate " + Certificates.describe(leaf) + " has CN '" + cn
                    + "', not the device ID '" + deviceId + "'");
        }
        ChainVerifier.Outcome o = chains.verify(leaf, chain.subList(1, chain.size()), List.of(), anchors, null);
        return o.valid() ? issuedTrust.revoked(hub, deviceId, leaf) : Optional.of(o.reason());
    }

    /** Registration IDs are case-insensitive in DPS (Muster keys them lower-cased, as its stores do). */
    private boolean issuedToRegistration(String hub, String deviceId, String cn) {
        return cn != null && issuedTrust.registrationId(hub, deviceId).filter(cn::equalsIgnoreCase).isPresent();
    }

    private static Optional<String> enabled(String hub, HubDevice device) {
        return device.isEnabled() ? Optional.empty()
                : Optional.of("device " + device.deviceId() + " is disabled in hub " + hub);
    }

    private static String thumb(String thumbprint) {
        return thumbprint == null ? "" : thumbprint.replace(":", "").strip();
    }
}
