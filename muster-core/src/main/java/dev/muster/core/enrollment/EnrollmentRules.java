package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Validation and defaults shared by individual enrollments and groups: one place says what is acceptable. */
final class EnrollmentRules {
    private EnrollmentRules() {}

    static String status(String requested) {
        if (requested == null) {
            return "enabled";
        }
        String s = requested.toLowerCase(Locale.ROOT);
        if (!s.equals("enabled") && !s.equals("disabled")) {
            throw ProvisioningException.badRequest("provisioningStatus must be 'enabled' or 'disabled', not '"
                    + requested + "'.");
        }
        return s;
    }

    /**
     * @param existing the stored attestation when updating: symmetric keys a client leaves out are kept rather than
     *                 silently rotated (devices in the field hold them)
     */
    static AttestationMechanism attestation(AttestationMechanism a, boolean group, AttestationMechanism existing) {
        if (a == null || a.type() == null) {
            throw ProvisioningException.badRequest("attestation with a type (symmetricKey, x509"
                    + (group ? "" : ", tpm") + ") is required.");
        }
        String type = a.type();
        if (type.equalsIgnoreCase(AttestationMechanism.SYMMETRIC_KEY)) {
            SymmetricKeyAttestation keys = a.symmetricKey();
            SymmetricKeyAttestation kept = existing != null && existing.isSymmetricKey() ? existing.symmetricKey() : null;
            String primary = keys != null && !blank(keys.primaryKey()) ? keys.primaryKey()
                    : kept != null ? kept.primaryKey() : Ids.symmetricKey();
            String secondary = keys != null && !blank(keys.secondaryKey()) ? keys.secondaryKey()
                    : kept != null ? kept.secondaryKey() : Ids.symmetricKey();
            requireKey(primary, "attestation.symmetricKey.primaryKey");
            requireKey(secondary, "attestation.symmetricKey.secondaryKey");
            return AttestationMechanism.symmetricKey(primary, secondary);
        }
        if (type.equalsIgnoreCase(AttestationMechanism.TPM)) {
            if (group) {
                throw ProvisioningException.badRequest("Enrollment groups do not support TPM attestation.");
            }
            JsonNode tpm = a.tpm();
            if (tpm == null || !tpm.hasNonNull("endorsementKey") || !isBase64(tpm.get("endorsementKey").asText())) {
                throw ProvisioningException.badRequest("attestation.tpm.endorsementKey (base64 TPM2B_PUBLIC) is required.");
            }
            try {
                dev.muster.core.tpm.TpmPublic.endorsementKey(tpm.get("endorsementKey").asText());
                if (tpm.hasNonNull("storageRootKey") && !tpm.get("storageRootKey").asText().isEmpty()) {
                    dev.muster.core.tpm.TpmPublic.storageRootKey(tpm.get("storageRootKey").asText());
                }
            } catch (dev.muster.core.tpm.TpmException e) {
                throw ProvisioningException.badRequest("attestation.tpm: " + e.getMessage());
            }
            return new AttestationMechanism(AttestationMechanism.TPM, tpm, null, null);
        }
        if (type.equalsIgnoreCase(AttestationMechanism.X509)) {
            return new AttestationMechanism(AttestationMechanism.X509, null, X509Attestation.normalise(a.x509(), group),
                    null);
        }
        throw ProvisioningException.badRequest("attestation.type '" + type + "' is not supported; use symmetricKey, x509"
                + (group ? "" : " or tpm") + ".");
    }

    static void twin(TwinState twin) {
        if (twin == null) {
            return;
        }
        if (twin.tags() != null && !twin.tags().isNull() && !twin.tags().isObject()) {
            throw ProvisioningException.badRequest("initialTwin.tags must be a JSON object.");
        }
        if (twin.desired() != null && !twin.desired().isNull() && !twin.desired().isObject()) {
            throw ProvisioningException.badRequest("initialTwin.properties.desired must be a JSON object.");
        }
    }

    /**
     * Allocation settings: a known policy; {@code iotHubs} naming only hubs linked to the instance; exactly one hub
     * for static (as Azure requires); a webhook URL for custom. Messages never echo a webhook URL (its query may
     * hold the function key).
     */
    static void allocation(String policy, List<String> hubs, CustomAllocationDefinition custom, List<LinkedHub> linked) {
        Optional<AllocationPolicy> parsed = AllocationPolicy.parse(policy);
        if (policy != null && !policy.isBlank() && parsed.isEmpty()) {
            throw ProvisioningException.badRequest("allocationPolicy must be hashed, geoLatency, static or custom.");
        }
        List<String> named = hubs == null ? List.of() : hubs;
        for (String h : named) {
            if (h == null || h.isBlank()) {
                throw ProvisioningException.badRequest("iotHubs must list hub host names.");
            }
        }
        for (String h : named) {
            if (linked.stream().noneMatch(l -> l.hostName().equalsIgnoreCase(h.strip()))) {
                throw ProvisioningException.badRequest("iotHubs names '" + h + "', which is not an IoT hub linked to"
                        + " this provisioning service (linked: " + (linked.isEmpty() ? "none" : linked.stream()
                        .map(LinkedHub::hostName).collect(Collectors.joining(", "))) + ").");
            }
        }
        if (parsed.orElse(null) == AllocationPolicy.STATIC) {
            long distinct = named.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).distinct().count();
            if (distinct != 1) {
                throw ProvisioningException.badRequest("allocationPolicy static needs exactly one IoT hub in iotHubs;"
                        + " got " + distinct + (named.isEmpty() ? "." : " (" + String.join(", ", named) + ")."));
            }
        }
        if (parsed.orElse(null) == AllocationPolicy.CUSTOM) {
            if (custom == null || blank(custom.webhookUrl())) {
                throw ProvisioningException.badRequest("allocationPolicy custom needs customAllocationDefinition with"
                        + " a webhookUrl.");
            }
        }
        if (custom != null && !blank(custom.webhookUrl())) {
            requireWebhookUrl(custom.webhookUrl());
        }
    }

    private static void requireWebhookUrl(String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw ProvisioningException.badRequest("customAllocationDefinition.webhookUrl is not a valid URL.");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || u.getHost() == null || u.getHost().isBlank()) {
            throw ProvisioningException.badRequest("customAllocationDefinition.webhookUrl must be an absolute http or"
                    + " https URL with a host (" + WebhookUrls.mask(url) + " is not).");
        }
    }

    private static void requireKey(String key, String name) {
        try {
            int len = Base64.getDecoder().decode(key).length;
            if (len < 16 || len > 64) {
                throw ProvisioningException.badRequest(name + " must be base64 of 16 to 64 bytes (got " + len + ").");
            }
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(name + " is not valid base64.");
        }
    }

    private static boolean isBase64(String s) {
        try {
            return Base64.getDecoder().decode(s).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
