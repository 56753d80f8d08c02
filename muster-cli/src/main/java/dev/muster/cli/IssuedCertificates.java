package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The inventory of issued certificates as the CLI shows it: one row per certificate, pages read up to a limit. */
final class IssuedCertificates {
    private IssuedCertificates() {}

    static void table(List<JsonNode> certificates) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode c : certificates) {
            rows.add(List.of(Output.text(c, "registrationId"), Output.text(c, "serialNumber"),
                    Output.text(c, "sha256Thumbprint"), Output.text(c, "notAfter"), Output.text(c, "policyName"),
                    c.has("revokedAt") ? Output.text(c, "revokedAt") : "no"));
        }
        Output.table(System.out, List.of("REGISTRATION_ID", "SERIAL", "SHA-256", "NOT_AFTER", "POLICY", "REVOKED"),
                rows);
        System.out.println(certificates.size() + " certificate" + (certificates.size() == 1 ? "" : "s"));
    }

    /** Every page of a GET that pages with x-ms-continuation, up to {@code top} items. */
    static List<JsonNode> pages(ApiClient api, String path, int top) {
        List<JsonNode> all = new ArrayList<>();
        String continuation = null;
        do {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("x-ms-max-item-count", Integer.toString(Math.min(1000, Math.max(1, top - all.size()))));
            if (continuation != null) {
                headers.put("x-ms-continuation", continuation);
            }
            ApiClient.Reply reply = api.call("GET", path, null, headers);
            reply.body().forEach(all::add);
            continuation = reply.header("x-ms-continuation");
        } while (continuation != null && all.size() < top);
        return all.size() > top ? all.subList(0, top) : all;
    }
}
