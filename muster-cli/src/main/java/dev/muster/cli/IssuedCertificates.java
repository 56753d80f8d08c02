package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The inventory of issued certificates as the CLI shows it: one row per certificate. */
final class IssuedCertificates {
    private IssuedCertificates() {}

    static void table(List<JsonNode> certificates) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode c : certificates) {
            rows.add(java.util.Arrays.asList(Output.text(c, "registrationId"), Output.text(c, "serialNumber"),
                    Output.text(c, "sha256Thumbprint"), Output.text(c, "notAfter"), Output.text(c, "policyName"),
                    c.has("revokedAt") ? Output.text(c, "revokedAt") : "no"));
        }
        Output.table(System.out, List.of("REGISTRATION_ID", "SERIAL", "SHA-256", "NOT_AFTER", "POLICY", "REVOKED"),
                rows);
        System.out.println(certificates.size() + " certificate" + (certificates.size() == 1 ? "" : "s"));
    }
}
