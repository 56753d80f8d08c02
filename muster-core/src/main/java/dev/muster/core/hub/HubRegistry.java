package dev.muster.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Ids;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.Timestamps;
import dev.muster.core.enrollment.DeviceCapabilities;
import dev.muster.core.enrollment.SymmetricKeyAttestation;
import dev.muster.core.registration.RegistrationIds;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.ChainVerifier;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The built-in hubs' registry and twins: what the hub REST API, the hub MQTT endpoint and direct
 * {@link HubClient}s all call, so each behaves identically whichever way it is reached.
 */
public final class HubRegistry {
    private static final int MAX_ATTEMPTS = 8;

    private final HubStore store;
    private final Clock clock;
    private final SasVerifier sas;
    private final List<TwinListener> twinListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<TelemetryMessage>> telemetryListeners = new CopyOnWriteArrayList<>();

    private final ChainVerifier chains;
    /** Parsed trusted certificates by PEM, so a reconnect storm does not re-parse them. */
    private final Map<String, X509Certificate> parsed = new ConcurrentHashMap<>();

    public HubRegistry(HubStore store, Clock clock) {
        this(store, clock, new ChainVerifier(clock));
    }

    public HubRegistry(HubStore store, Clock clock, ChainVerifier chains) {
        this.store = store;
        this.clock = clock;
        this.sas = new SasVerifier(clock);
        this.chains = chains;
    }

    public List<BuiltInHubConfig> hubs() {
        return store.builtInHubs();
    }

    public Optional<BuiltInHubConfig> hub(String hostName) {
        return store.builtInHubs().stream().filter(h -> h.hostName().equalsIgnoreCase(hostName)).findFirst();
    }

    public void addTwinListener(TwinListener l) { twinListeners.add(l); }

    public void removeTwinListener(TwinListener l) { twinListeners.remove(l); }

    public void addTelemetryListener(Consumer<TelemetryMessage> l) { telemetryListeners.add(l); }

    public void removeTelemetryListener(Consumer<TelemetryMessage> l) { telemetryListeners.remove(l); }

    public long deviceCount(String hub) {
        return store.deviceCount(hub);
    }

    // ---- registry -------------------------------------------------------------------------------------------

    public Optional<HubDevice> device(String hub, String deviceId) {
        return store.device(hub, deviceId);
    }

    /**
     * Creates or replaces a device identity. {@code ifMatch} null or "*" = unconditional; otherwise the etag
     * must match (412). Keys are generated for a SAS device that brings none.
     */
    public HubDevice putDevice(String hub, HubDevice requested, String ifMatch) {
        RegistrationIds.requireValidDeviceId(requested.deviceId());
        if (requested.deviceId() == null) {
            throw ProvisioningException.badRequest("deviceId is required.");
        }
        AuthenticationMechanism auth = normaliseAuth(requested.authentication());
        String status = requested.status() == null ? "enabled" : requested.status().toLowerCase();
        if (!status.equals("enabled") && !status.equals("disabled")) {
            throw ProvisioningException.badRequest("status must be 'enabled' or 'disabled'.");
        }
        DeviceCapabilities caps = requested.capabilities() == null ? DeviceCapabilities.NONE : requested.capabilities();
        String now = Timestamps.format(clock.instant());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<HubDevice> existing = store.device(hub, requested.deviceId());
            if (existing.isEmpty()) {
                if (ifMatch != null && !ifMatch.equals("*")) {
                    throw new ProvisioningException(404, 404001, "Device " + requested.deviceId() + " not found.");
                }
                HubDevice created = requested.withServerFields(UUID.randomUUID().toString(), Ids.etag(), status, now,
                        auth, caps);
                DeviceTwin twin = new DeviceTwin(requested.deviceId(), Json.object(), Json.object(), 1, Json.object(), 1,
                        1, Ids.etag());
                if (store.insertDevice(hub, created, twin)) {
                    return created;
                }
            } else {
                HubDevice old = existing.get();
                if (ifMatch != null && !ifMatch.equals("*") && !etagMatches(ifMatch, old.etag())) {
                    throw ProvisioningException.preconditionFailed("Device " + old.deviceId() + " etag does not match.");
                }
                HubDevice updated = requested.withServerFields(old.generationId(), Ids.etag(), status,
                        status.equals(old.status()) ? old.statusUpdatedTime() : now, auth, caps);
                if (store.replaceDevice(hub, updated, old.etag())) {
                    return updated;
                }
            }
        }
        throw ProvisioningException.conflict("Device " + requested.deviceId() + " is being changed concurrently; retry.");
    }

    /**
     * Creates a device that does not exist yet together with its initial twin, in one store write: the twin comes out
     * exactly as {@link #putDevice} followed by {@link #patchTwin} with {@code initialTwin} would leave it (tags and
     * desired merged into an empty twin, each change counted in the versions), without reading the new device and
     * its twin back and writing the twin twice. Nobody can be subscribed to a device that did not exist, so there is
     * no desired-property push to make.
     *
     * @param initialTwin {@code {"tags":…,"properties":{"desired":…}}}, or null for an empty twin
     * @return the device, or empty when a device with this ID already exists (nothing is changed then)
     */
    public Optional<HubDevice> createDevice(String hub, HubDevice requested, JsonNode initialTwin) {
        RegistrationIds.requireValidDeviceId(requested.deviceId());
        JsonNode tagsIn = initialTwin == null ? null : initialTwin.get("tags");
        JsonNode desiredIn = initialTwin == null ? null : initialTwin.path("properties").get("desired");
        AuthenticationMechanism auth = normaliseAuth(requested.authentication());
        String status = requested.status() == null ? "enabled" : requested.status().toLowerCase();
        if (!status.equals("enabled") && !status.equals("disabled")) {
            throw ProvisioningException.badRequest("status must be 'enabled' or 'disabled'.");
        }
        DeviceCapabilities caps = requested.capabilities() == null ? DeviceCapabilities.NONE : requested.capabilities();
        ObjectNode tags = Json.object();
        ObjectNode desired = Json.object();
        boolean patched = false;
        boolean desiredChanged = false;
        if (tagsIn != null && tagsIn.isObject()) {
            JsonMerge.merge(tags, tagsIn);
            patched = true;
        }
        if (desiredIn != null && desiredIn.isObject()) {
            desiredChanged = JsonMerge.merge(desired, desiredIn);
            patched = true;
        }
        HubDevice created = requested.withServerFields(UUID.randomUUID().toString(), Ids.etag(), status,
                Timestamps.format(clock.instant()), auth, caps);
        DeviceTwin twin = new DeviceTwin(requested.deviceId(), tags, desired, desiredChanged ? 2 : 1, Json.object(), 1,
                patched ? 2 : 1, Ids.etag());
        return store.insertDevice(hub, created, twin) ? Optional.of(created) : Optional.empty();
    }

    public boolean deleteDevice(String hub, String deviceId, String ifMatch) {
        Optional<HubDevice> existing = store.device(hub, deviceId);
        if (existing.isEmpty()) {
            return false;
        }
        if (ifMatch != null && !ifMatch.equals("*") && !etagMatches(ifMatch, existing.get().etag())) {
            throw ProvisioningException.preconditionFailed("Device " + deviceId + " etag does not match.");
        }
        return store.deleteDevice(hub, deviceId, ifMatch == null || ifMatch.equals("*") ? null : existing.get().etag());
    }

    private static AuthenticationMechanism normaliseAuth(AuthenticationMechanism auth) {
        if (auth == null || auth.type() == null || auth.type().equalsIgnoreCase(AuthenticationMechanism.SAS)) {
            SymmetricKeyAttestation keys = auth == null ? null : auth.symmetricKey();
            String primary = keys == null || blank(keys.primaryKey()) ? Ids.symmetricKey() : keys.primaryKey();
            String secondary = keys == null || blank(keys.secondaryKey()) ? Ids.symmetricKey() : keys.secondaryKey();
            requireBase64Key(primary, "primaryKey");
            requireBase64Key(secondary, "secondaryKey");
            return AuthenticationMechanism.sas(primary, secondary);
        }
        if (auth.type().equalsIgnoreCase(AuthenticationMechanism.SELF_SIGNED)) {
            if (auth.x509Thumbprint() == null || blank(auth.x509Thumbprint().primaryThumbprint())) {
                throw ProvisioningException.badRequest("selfSigned authentication needs x509Thumbprint.primaryThumbprint.");
            }
            return new AuthenticationMechanism(AuthenticationMechanism.SELF_SIGNED, null, auth.x509Thumbprint());
        }
        if (auth.type().equalsIgnoreCase(AuthenticationMechanism.CERTIFICATE_AUTHORITY)) {
            return new AuthenticationMechanism(AuthenticationMechanism.CERTIFICATE_AUTHORITY, null, null);
        }
        throw ProvisioningException.badRequest("authentication.type must be sas, selfSigned or certificateAuthority.");
    }

    static void requireBase64Key(String key, String name) {
        try {
            int len = java.util.Base64.getDecoder().decode(key).length;
            if (len < 16 || len > 64) {
                throw ProvisioningException.badRequest(name + " must be base64 of 16 to 64 bytes.");
            }
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(name + " is not valid base64.");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public static boolean etagMatches(String presented, String stored) {
        return stored != null && strip(presented).equals(strip(stored));
    }

    private static String strip(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    // ---- twins ----------------------------------------------------------------------------------------------

    public Optional<ObjectNode> twinJson(String hub, String deviceId) {
        Optional<HubDevice> device = store.device(hub, deviceId);
        return device.flatMap(d -> store.twin(hub, deviceId).map(t -> render(d, t)));
    }

    /** Device-side view ({@code $iothub/twin/GET}): desired and reported with their versions. */
    public Optional<ObjectNode> deviceTwinDocument(String hub, String deviceId) {
        return store.twin(hub, deviceId).map(t -> {
            ObjectNode doc = Json.object();
            doc.set("desired", withVersion(t.desired(), t.desiredVersion()));
            doc.set("reported", withVersion(t.reported(), t.reportedVersion()));
            return doc;
        });
    }

    /** Service PATCH /twins/{id}: merges tags and desired properties. */
    public ObjectNode patchTwin(String hub, String deviceId, JsonNode patch, String ifMatch) {
        return updateTwin(hub, deviceId, patch, ifMatch, false);
    }

    /** Service PUT /twins/{id}: replaces tags and desired properties. */
    public ObjectNode replaceTwin(String hub, String deviceId, JsonNode twin, String ifMatch) {
        return updateTwin(hub, deviceId, twin, ifMatch, true);
    }

    private ObjectNode updateTwin(String hub, String deviceId, JsonNode doc, String ifMatch, boolean replace) {
        if (doc == null || !doc.isObject()) {
            throw ProvisioningException.badRequest("A twin document must be a JSON object.");
        }
        JsonNode tagsIn = doc.get("tags");
        JsonNode desiredIn = doc.path("properties").get("desired");
        if (tagsIn != null && !tagsIn.isNull() && !tagsIn.isObject()) {
            throw ProvisioningException.badRequest("twin tags must be a JSON object.");
        }
        if (desiredIn != null && !desiredIn.isNull() && !desiredIn.isObject()) {
            throw ProvisioningException.badRequest("twin properties.desired must be a JSON object.");
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            HubDevice device = store.device(hub, deviceId)
                    .orElseThrow(() -> new ProvisioningException(404, 404001, "Device " + deviceId + " not found."));
            DeviceTwin t = store.twin(hub, deviceId)
                    .orElseThrow(() -> new ProvisioningException(404, 404001, "Twin of " + deviceId + " not found."));
            if (ifMatch != null && !ifMatch.equals("*") && !etagMatches(ifMatch, t.etag())) {
                throw ProvisioningException.preconditionFailed("Twin " + deviceId + " etag does not match.");
            }
            ObjectNode tags = t.tags().deepCopy();
            ObjectNode desired = t.desired().deepCopy();
            boolean desiredChanged;
            if (replace) {
                tags = JsonMerge.clean(tagsIn);
                ObjectNode newDesired = JsonMerge.clean(desiredIn);
                desiredChanged = !newDesired.equals(desired);
                desired = newDesired;
            } else {
                if (tagsIn != null && tagsIn.isObject()) {
                    JsonMerge.merge(tags, tagsIn);
                }
                desiredChanged = desiredIn != null && desiredIn.isObject() && JsonMerge.merge(desired, desiredIn);
            }
            long desiredVersion = desiredChanged ? t.desiredVersion() + 1 : t.desiredVersion();
            DeviceTwin next = new DeviceTwin(deviceId, tags, desired, desiredVersion, t.reported(), t.reportedVersion(),
                    t.version() + 1, Ids.etag());
            if (store.replaceTwin(hub, next, t.version())) {
                if (desiredChanged) {
                    // a merge patch keeps its explicit nulls, at every depth, so the device learns of deletions
                    ObjectNode push = replace ? desired.deepCopy() : JsonMerge.patchCopy(desiredIn);
                    push.put("$version", desiredVersion);
                    for (TwinListener l : twinListeners) {
                        l.desiredChanged(hub, deviceId, push);
                    }
                }
                return render(device, next);
            }
        }
        throw ProvisioningException.conflict("Twin " + deviceId + " is being changed concurrently; retry.");
    }

    /** Device reported-properties patch; returns the new reported version. */
    public long patchReported(String hub, String deviceId, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ProvisioningException.badRequest("A reported-properties patch must be a JSON object.");
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            DeviceTwin t = store.twin(hub, deviceId)
                    .orElseThrow(() -> new ProvisioningException(404, 404001, "Twin of " + deviceId + " not found."));
            ObjectNode reported = t.reported().deepCopy();
            JsonMerge.merge(reported, patch);
            DeviceTwin next = new DeviceTwin(deviceId, t.tags(), t.desired(), t.desiredVersion(), reported,
                    t.reportedVersion() + 1, t.version() + 1, Ids.etag());
            if (store.replaceTwin(hub, next, t.version())) {
                return next.reportedVersion();
            }
        }
        throw ProvisioningException.conflict("Twin " + deviceId + " is being changed concurrently; retry.");
    }

    private static ObjectNode withVersion(ObjectNode props, long version) {
        ObjectNode out = props.deepCopy();
        out.put("$version", version);
        return out;
    }

    private static ObjectNode render(HubDevice device, DeviceTwin t) {
        ObjectNode twin = Json.object();
        twin.put("deviceId", device.deviceId());
        twin.put("etag", t.etag());
        twin.put("deviceEtag", device.etag());
        twin.put("status", device.status());
        twin.put("statusUpdateTime", device.statusUpdatedTime());
        twin.put("connectionState", device.connectionState());
        twin.put("lastActivityTime", device.lastActivityTime());
        twin.put("cloudToDeviceMessageCount", device.cloudToDeviceMessageCount());
        twin.put("authenticationType", device.authentication() == null ? "sas" : device.authentication().type());
        twin.put("version", t.version());
        twin.set("capabilities", Json.MAPPER.valueToTree(
                device.capabilities() == null ? DeviceCapabilities.NONE : device.capabilities()));
        twin.set("tags", t.tags().deepCopy());
        ObjectNode props = twin.putObject("properties");
        props.set("desired", withVersion(t.desired(), t.desiredVersion()));
        props.set("reported", withVersion(t.reported(), t.reportedVersion()));
        return twin;
    }

    // ---- device side ----------------------------------------------------------------------------------------

    /**
     * Checks a device's hub SAS token (reference §4.4): resource {@code {hub}/devices/{id}}, signed with one of the
     * device's keys; the device must be enabled. Returns a reason on refusal, empty when accepted.
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
        if (!device.get().isEnabled()) {
            return Optional.of("device " + deviceId + " is disabled in hub " + hub);
        }
        return Optional.empty();
    }

    /**
     * Checks a device's TLS client certificate (reference §10, X.509): a {@code selfSigned} device must present the
     * certificate with its primary or secondary SHA-1 thumbprint; a {@code certificateAuthority} device a certificate
     * whose CN is its device ID, chaining to a CA the hub trusts. Returns a reason on refusal, empty when accepted.
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
        if (AuthenticationMechanism.SELF_SIGNED.equalsIgnoreCase(type)) {
            String sha1 = Certificates.sha1(leaf);
            X509Thumbprint t = auth.x509Thumbprint();
            boolean match = t != null && (sha1.equalsIgnoreCase(thumb(t.primaryThumbprint()))
                    || t.secondaryThumbprint() != null && sha1.equalsIgnoreCase(thumb(t.secondaryThumbprint())));
            if (!match) {
                return Optional.of("client certificate " + Certificates.describe(leaf) + " matches neither thumbprint"
                        + " of device " + deviceId + " (" + t + ")");
            }
            Optional<String> leafProblem = chains.checkLeaf(leaf);
            if (leafProblem.isPresent()) {
                return leafProblem;
            }
        } else if (AuthenticationMechanism.CERTIFICATE_AUTHORITY.equalsIgnoreCase(type)) {
            String cn = Certificates.commonName(leaf);
            if (!deviceId.equals(cn)) {
                return Optional.of("client certificate " + Certificates.describe(leaf) + " has CN '" + cn
                        + "', not the device ID '" + deviceId + "'");
            }
            List<X509Certificate> anchors = store.trustedCertificates(hub).stream()
                    .map(c -> parsed.computeIfAbsent(c.certificate(), pem -> Certificates.parseOne(pem, "trusted CA")))
                    .toList();
            ChainVerifier.Outcome o = chains.verify(leaf, chain.subList(1, chain.size()), List.of(), anchors, null);
            if (!o.valid()) {
                return Optional.of(o.reason());
            }
        } else {
            return Optional.of("device " + deviceId + " uses SAS authentication; connect with its SAS token as password");
        }
        if (!device.get().isEnabled()) {
            return Optional.of("device " + deviceId + " is disabled in hub " + hub);
        }
        return Optional.empty();
    }

    /** Trusts a CA certificate (PEM) for certificateAuthority devices; idempotent. */
    public TrustedCertificate trustCertificateAuthority(String hub, String certificatePem) {
        X509Certificate cert = Certificates.parseOne(certificatePem, "certificate");
        Optional<String> problem = chains.checkCa(cert, "certificate");
        if (problem.isPresent()) {
            throw ProvisioningException.badRequest("The hub cannot trust it: " + problem.get() + ".");
        }
        String thumb = Certificates.sha256(cert);
        Optional<TrustedCertificate> existing = store.trustedCertificates(hub).stream()
                .filter(t -> t.sha256Thumbprint().equals(thumb)).findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        TrustedCertificate t = new TrustedCertificate(thumb, Certificates.subject(cert), Certificates.pem(cert),
                Timestamps.format(clock.instant()));
        store.addTrustedCertificate(hub, t);
        return t;
    }

    public List<TrustedCertificate> trustedCertificates(String hub) {
        return store.trustedCertificates(hub);
    }

    public boolean untrustCertificateAuthority(String hub, String sha256Thumbprint) {
        return store.removeTrustedCertificate(hub, sha256Thumbprint.toUpperCase(java.util.Locale.ROOT));
    }

    private static String thumb(String thumbprint) {
        return thumbprint == null ? "" : thumbprint.replace(":", "").strip();
    }

    public void telemetryReceived(TelemetryMessage message) {
        for (Consumer<TelemetryMessage> l : telemetryListeners) {
            l.accept(message);
        }
    }
}
