package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the enrollment and enrollment-group commands do, over the service REST API. */
final class EnrollmentOps {
    private final EnrollmentKind kind;
    private final ApiClient api;
    private final PrintStream out;

    EnrollmentOps(EnrollmentKind kind, ApiClient api, PrintStream out) {
        this.kind = kind;
        this.api = api;
        this.out = out;
    }

    /** Options of {@code create}, already checked by the command. */
    record CreateSpec(String id, String deviceId, String primaryKey, String secondaryKey, boolean disabled,
                      String tagsJson, String desiredJson, boolean iotEdge, List<String> hubs, String allocationPolicy,
                      String tpmEndorsementKey, String tpmStorageRootKey, String webhookUrl,
                      boolean updateHubAssignment, boolean migrateDeviceData, ObjectNode x509,
                      String credentialPolicyName) {}

    JsonNode create(CreateSpec spec) {
        ObjectNode doc = Json.object();
        doc.put(kind.idField, spec.id());
        if (spec.deviceId() != null) {
            doc.put("deviceId", spec.deviceId());
        }
        if (spec.x509() != null) {
            doc.putObject("attestation").put("type", "x509").set("x509", spec.x509());
        } else if (spec.tpmEndorsementKey() != null) {
            ObjectNode tpm = doc.putObject("attestation").put("type", "tpm").putObject("tpm")
                    .put("endorsementKey", spec.tpmEndorsementKey());
            if (spec.tpmStorageRootKey() != null) {
                tpm.put("storageRootKey", spec.tpmStorageRootKey());
            }
        } else {
            ObjectNode keys = doc.putObject("attestation").put("type", "symmetricKey").putObject("symmetricKey");
            if (spec.primaryKey() != null) {
                keys.put("primaryKey", spec.primaryKey());
            }
            if (spec.secondaryKey() != null) {
                keys.put("secondaryKey", spec.secondaryKey());
            }
        }
        doc.put("provisioningStatus", spec.disabled() ? "disabled" : "enabled");
        if (spec.tagsJson() != null || spec.desiredJson() != null) {
            ObjectNode twin = doc.putObject("initialTwin");
            if (spec.tagsJson() != null) {
                twin.set("tags", jsonObject(spec.tagsJson(), "--tags"));
            }
            if (spec.desiredJson() != null) {
                twin.putObject("properties").set("desired", jsonObject(spec.desiredJson(), "--desired"));
            }
        }
        doc.putObject("capabilities").put("iotEdge", spec.iotEdge());
        if (spec.hubs() != null && !spec.hubs().isEmpty()) {
            ArrayNode hubs = doc.putArray("iotHubs");
            spec.hubs().forEach(hubs::add);
        }
        if (spec.allocationPolicy() != null) {
            doc.put("allocationPolicy", spec.allocationPolicy());
        }
        if (spec.webhookUrl() != null) {
            doc.putObject("customAllocationDefinition").put("webhookUrl", spec.webhookUrl()).put("apiVersion", "2021-10-01");
        }
        doc.putObject("reprovisionPolicy").put("updateHubAssignment", spec.updateHubAssignment())
                .put("migrateDeviceData", spec.migrateDeviceData());
        if (spec.credentialPolicyName() != null) {
            doc.put("credentialPolicyName", spec.credentialPolicyName());
        }
        return api.call("PUT", "/" + kind.path + "/" + ApiClient.enc(spec.id()), doc, Map.of()).body();
    }

    JsonNode show(String id) {
        return api.call("GET", "/" + kind.path + "/" + ApiClient.enc(id), null, Map.of()).body();
    }

    void delete(String id, String etag) {
        api.delete("/" + kind.path + "/" + ApiClient.enc(id), etag);
    }

    /** Every enrollment, page by page (the query API's continuation tokens). */
    List<JsonNode> list(int max) {
        List<JsonNode> all = new ArrayList<>();
        String continuation = null;
        do {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-ms-max-item-count", Integer.toString(Math.min(1000, Math.max(1, max - all.size()))));
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            ApiClient.Reply reply = api.call("POST", "/" + kind.path + "/query",
                    Json.object().put("query", "SELECT * FROM " + kind.path), headers);
            reply.body().forEach(all::add);
            continuation = reply.header("x-ms-continuation");
        } while (continuation != null && all.size() < max);
        return all;
    }

    void printSummary(JsonNode e) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of(kind.idField, str(e, kind.idField)));
        if (kind == EnrollmentKind.INDIVIDUAL) {
            rows.add(List.of("deviceId", str(e, "deviceId")));
        }
        rows.add(List.of("attestation", e.path("attestation").path("type").asText()));
        JsonNode x509 = e.path("attestation").path("x509");
        for (String kind : List.of("clientCertificates", "signingCertificates")) {
            for (String slot : List.of("primary", "secondary")) {
                JsonNode info = x509.path(kind).path(slot).path("info");
                if (!info.isMissingNode()) {
                    rows.add(List.of(kind + "." + slot, info.path("subjectName").asText() + " (SHA-1 "
                            + info.path("sha1Thumbprint").asText() + ", expires " + info.path("notAfterUtc").asText()
                            + ")"));
                }
            }
        }
        for (String slot : List.of("primary", "secondary")) {
            if (x509.path("caReferences").has(slot)) {
                rows.add(List.of("caReferences." + slot, x509.path("caReferences").path(slot).asText()));
            }
        }
        JsonNode keys = e.path("attestation").path("symmetricKey");
        if (!keys.isMissingNode()) {
            rows.add(List.of("primaryKey", str(keys, "primaryKey")));
            rows.add(List.of("secondaryKey", str(keys, "secondaryKey")));
        }
        rows.add(List.of("provisioningStatus", str(e, "provisioningStatus")));
        if (e.hasNonNull("credentialPolicyName")) {
            rows.add(List.of("credentialPolicyName", str(e, "credentialPolicyName")));
        }
        rows.add(List.of("etag", str(e, "etag")));
        rows.add(List.of("created", str(e, "createdDateTimeUtc")));
        rows.add(List.of("updated", str(e, "lastUpdatedDateTimeUtc")));
        if (e.has("initialTwin")) {
            rows.add(List.of("initialTwin", e.get("initialTwin").toString()));
        }
        JsonNode state = e.path("registrationState");
        if (!state.isMissingNode()) {
            rows.add(List.of("registration", str(state, "status") + " on " + str(state, "assignedHub")
                    + " as " + str(state, "deviceId")));
        }
        Output.table(out, List.of("FIELD", "VALUE"), rows);
    }

    void printList(List<JsonNode> items) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : items) {
            rows.add(List.of(str(e, kind.idField), e.path("attestation").path("type").asText(),
                    str(e, "provisioningStatus"), str(e, "lastUpdatedDateTimeUtc")));
        }
        Output.table(out, List.of(kind.idField.toUpperCase(), "ATTESTATION", "STATUS", "UPDATED"), rows);
        out.println(items.size() + " " + kind.noun + (items.size() == 1 ? "" : "s"));
    }

    private static String str(JsonNode n, String field) {
        String s = Output.text(n, field);
        return s == null ? "-" : s;
    }

    private static JsonNode jsonObject(String text, String option) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n == null || !n.isObject()) {
                throw new UsageError(option + " must be a JSON object, e.g. '{\"key\":\"value\"}'.");
            }
            return n;
        } catch (java.io.IOException e) {
            throw new UsageError(option + " is not valid JSON: " + e.getMessage());
        }
    }
}
