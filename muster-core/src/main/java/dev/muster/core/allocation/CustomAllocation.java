package dev.muster.core.allocation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.enrollment.AttestationMechanism;
import dev.muster.core.enrollment.CustomAllocationDefinition;
import dev.muster.core.enrollment.Enrollment;
import dev.muster.core.enrollment.EnrollmentGroup;
import dev.muster.core.enrollment.IndividualEnrollment;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.enrollment.WebhookUrls;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Custom allocation (reference §8): builds Azure's {@code AllocationRequest}, calls the enrollment's webhook through
 * the {@link AllocationWebhook} port and checks its {@code AllocationResponse}, so Azure Functions written for DPS
 * work unchanged. Every way the webhook can fail becomes an {@link AllocationFailure} whose message says exactly what
 * was wrong, with the URL masked ({@link WebhookUrls}).
 */
final class CustomAllocation {
    /** How much of a refused answer's body an operator gets to see in the failed-operation record. */
    static final int BODY_EXCERPT = 300;

    private final AllocationWebhook webhook;

    CustomAllocation(AllocationWebhook webhook) {
        this.webhook = webhook;
    }

    Allocation allocate(AllocationContext ctx, List<LinkedHub> candidates) throws AllocationFailure {
        Enrollment enrollment = ctx.enrollment();
        String url = webhookUrl(enrollment);
        if (url == null) {
            throw new AllocationFailure(AllocationFailure.WEBHOOK_NOT_CONFIGURED, "Custom allocation ("
                    + ctx.policySource() + " policy) needs a customAllocationDefinition with a webhookUrl on "
                    + describe(enrollment) + ", and it has none.");
        }
        String shown = WebhookUrls.mask(url);
        if (candidates.isEmpty()) {
            throw new AllocationFailure(AllocationFailure.NO_HUB, "No linked IoT hub is available for this enrollment,"
                    + " so the custom allocation webhook " + shown + " was not called.",
                    "the instance has no linked hub that the enrollment allows (iotHubs: " + enrollment.iotHubs()
                            + "); the webhook " + shown + " was not called");
        }
        ObjectNode request = request(ctx, candidates);
        AllocationWebhook.Response response;
        try {
            response = webhook.post(url, request);
        } catch (AllocationWebhookException e) {
            String what = WebhookUrls.scrub(e.getMessage(), url);
            throw switch (e.kind()) {
                case TIMEOUT -> new AllocationFailure(AllocationFailure.WEBHOOK_TIMEOUT,
                        "The custom allocation webhook " + shown + " did not answer in time: " + what + ".");
                case UNREACHABLE -> new AllocationFailure(AllocationFailure.WEBHOOK_UNREACHABLE,
                        "The custom allocation webhook " + shown + " could not be reached: " + what + ".");
                case TOO_LARGE -> new AllocationFailure(AllocationFailure.WEBHOOK_INVALID_RESPONSE,
                        "The custom allocation webhook " + shown + " answered with too large a body: " + what + ".");
                case NOT_AVAILABLE -> new AllocationFailure(AllocationFailure.WEBHOOK_NOT_CONFIGURED,
                        "The custom allocation webhook " + shown + " was not called: " + what + ".");
            };
        }
        return interpret(response, url, shown, candidates);
    }

    private static Allocation interpret(AllocationWebhook.Response response, String url, String shown,
                                        List<LinkedHub> candidates) throws AllocationFailure {
        String body = response.body() == null ? "" : response.body();
        int status = response.status();
        if (status < 200 || status > 299) {
            String message = "The custom allocation webhook " + shown + " answered HTTP " + status
                    + "; an AllocationResponse with status 2xx is required.";
            throw new AllocationFailure(AllocationFailure.WEBHOOK_HTTP_STATUS, message,
                    message + (body.isBlank() ? " The answer had no body." : " Body: " + excerpt(body, url)));
        }
        if (body.isBlank()) {
            throw invalid(shown, "an empty body; a JSON object with iotHubHostName is required");
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            String message = "The custom allocation webhook " + shown + " answered HTTP " + status
                    + " with invalid JSON: " + WebhookUrls.scrub(e.getOriginalMessage(), url) + where + ".";
            throw new AllocationFailure(AllocationFailure.WEBHOOK_INVALID_RESPONSE, message,
                    message + " Body: " + excerpt(body, url));
        }
        if (answer == null || !answer.isObject()) {
            throw invalid(shown, kind(answer) + " where a JSON object with iotHubHostName is required");
        }
        JsonNode hubNode = field(answer, "iotHubHostName");
        if (hubNode == null || hubNode.isNull() || hubNode.isTextual() && hubNode.asText().isBlank()) {
            throw new AllocationFailure(AllocationFailure.WEBHOOK_HUB_NOT_LINKED, "The custom allocation webhook "
                    + shown + " did not name a hub: iotHubHostName is missing from its answer (offered: "
                    + names(candidates) + ").");
        }
        if (!hubNode.isTextual()) {
            throw invalid(shown, "an iotHubHostName that is " + kind(hubNode) + ", not a host name string");
        }
        String hub = hubNode.asText().strip();
        LinkedHub chosen = candidates.stream().filter(h -> h.hostName().equalsIgnoreCase(hub)).findFirst()
                .orElseThrow(() -> new AllocationFailure(AllocationFailure.WEBHOOK_HUB_NOT_LINKED,
                        "The custom allocation webhook " + shown + " chose IoT hub '" + hub + "', which is not one of"
                                + " the linked hubs it was offered (" + names(candidates) + ")."));
        TwinState twin = twin(field(answer, "initialTwin"), shown);
        JsonNode payload = field(answer, "payload");
        if (payload != null && !payload.isNull() && !payload.isObject()) {
            throw invalid(shown, "a payload that is " + kind(payload) + "; the payload returned to the device must"
                    + " be a JSON object");
        }
        return new Allocation(chosen, AllocationPolicy.CUSTOM, twin,
                payload == null || payload.isNull() ? null : ((ObjectNode) payload).deepCopy());
    }

    private static TwinState twin(JsonNode twin, String shown) throws AllocationFailure {
        if (twin == null || twin.isNull()) {
            return null;
        }
        if (!twin.isObject()) {
            throw invalid(shown, "an initialTwin that is " + kind(twin) + ", not a JSON object");
        }
        JsonNode tags = field(twin, "tags");
        if (tags != null && !tags.isNull() && !tags.isObject()) {
            throw invalid(shown, "initialTwin.tags that is " + kind(tags) + ", not a JSON object");
        }
        JsonNode properties = field(twin, "properties");
        JsonNode desired = null;
        if (properties != null && !properties.isNull()) {
            if (!properties.isObject()) {
                throw invalid(shown, "initialTwin.properties that is " + kind(properties) + ", not a JSON object");
            }
            desired = field(properties, "desired");
            if (desired != null && !desired.isNull() && !desired.isObject()) {
                throw invalid(shown, "initialTwin.properties.desired that is " + kind(desired) + ", not a JSON object");
            }
        }
        return new TwinState(tags == null || tags.isNull() ? null : withoutMetadata(tags),
                new TwinState.Properties(desired == null || desired.isNull() ? null : withoutMetadata(desired)));
    }

    /** A .NET {@code TwinCollection} may serialise {@code $metadata} and {@code $version}: not properties to write. */
    private static JsonNode withoutMetadata(JsonNode collection) {
        ObjectNode copy = ((ObjectNode) collection).deepCopy();
        copy.remove("$metadata");
        copy.remove("$version");
        return copy;
    }

    private static AllocationFailure invalid(String shown, String what) {
        return new AllocationFailure(AllocationFailure.WEBHOOK_INVALID_RESPONSE,
                "The custom allocation webhook " + shown + " answered with " + what + ".");
    }

    /** Azure Functions bind these names case-insensitively; so does Muster. */
    private static JsonNode field(JsonNode object, String name) {
        return Json.fieldIgnoringCase(object, name);
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String names(List<LinkedHub> hubs) {
        return hubs.stream().map(LinkedHub::hostName).collect(Collectors.joining(", "));
    }

    private static String excerpt(String body, String url) {
        String oneLine = WebhookUrls.scrub(body, url).replaceAll("\\s+", " ").strip();
        return oneLine.length() <= BODY_EXCERPT ? oneLine : oneLine.substring(0, BODY_EXCERPT) + "…";
    }

    private static String describe(Enrollment e) {
        return (e.isGroup() ? "enrollment group '" : "enrollment '") + e.id() + "'";
    }

    static String webhookUrl(Enrollment e) {
        CustomAllocationDefinition d = e instanceof IndividualEnrollment i ? i.customAllocationDefinition()
                : e instanceof EnrollmentGroup g ? g.customAllocationDefinition() : null;
        return d == null || d.webhookUrl() == null || d.webhookUrl().isBlank() ? null : d.webhookUrl().strip();
    }

    /**
     * Azure's AllocationRequest: the enrollment without attestation secrets (only {@code {"type":…}}), the device's
     * runtime context and the candidate hubs' host names.
     */
    static ObjectNode request(AllocationContext ctx, List<LinkedHub> candidates) {
        Enrollment e = ctx.enrollment();
        ObjectNode root = Json.object();
        ObjectNode doc = Json.MAPPER.valueToTree(e);
        doc.remove("registrationState");
        AttestationMechanism attestation = e.attestation();
        ObjectNode type = Json.object();
        if (attestation != null && attestation.type() != null) {
            type.put("type", attestation.type());
        }
        doc.set("attestation", type);
        root.set(e.isGroup() ? "enrollmentGroup" : "individualEnrollment", doc);

        ObjectNode context = root.putObject("deviceRuntimeContext");
        context.put("registrationId", ctx.registrationId());
        if (ctx.current() != null) {
            context.put("currentIotHubHostName", ctx.current().hubHostName());
            context.put("currentDeviceId", ctx.current().deviceId());
        }
        String kind = attestation == null || attestation.type() == null ? "" : attestation.type();
        if (kind.equalsIgnoreCase(AttestationMechanism.TPM)) {
            // Public parts only: the endorsement and storage root keys identify the TPM, they are not secrets.
            ObjectNode tpm = context.putObject("tpm");
            JsonNode source = attestation.tpm();
            for (String k : new String[] {"endorsementKey", "storageRootKey"}) {
                if (source != null && source.hasNonNull(k)) {
                    tpm.put(k, source.get(k).asText());
                }
            }
        } else if (kind.equalsIgnoreCase(AttestationMechanism.X509)) {
            context.putObject("x509");
        } else {
            context.putObject("symmetricKey");
        }
        if (ctx.devicePayload() != null && !ctx.devicePayload().isNull()) {
            context.set("payload", ctx.devicePayload().deepCopy());
        }
        ArrayNode hubs = root.putArray("linkedHubs");
        candidates.forEach(h -> hubs.add(h.hostName()));
        return root;
    }
}
