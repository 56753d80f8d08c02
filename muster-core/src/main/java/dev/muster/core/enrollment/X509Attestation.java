package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.ProvisioningException;
import dev.muster.core.x509.Certificates;
import dev.muster.core.x509.X509CertificateInfo;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code attestation.x509} of an enrollment, typed: exactly one of client certificates (the device's own
 * certificate, individual enrollments), signing certificates (a root or intermediate uploaded with the enrollment)
 * or CA references (names of certificates in the instance's certificate store), each with a primary and an optional
 * secondary. Stored as Azure's JSON with {@code info} filled in by the server.
 */
public record X509Attestation(List<X509Certificate> clientCertificates, List<X509Certificate> signingCertificates,
                              List<String> caReferences) {
    public static final String CLIENT = "clientCertificates";
    public static final String SIGNING = "signingCertificates";
    public static final String CA_REFERENCES = "caReferences";
    private static final Pattern CERT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** Validates a client's {@code x509} object and returns it normalised (PEM certificates, info filled in). */
    static ObjectNode normalise(JsonNode x509, boolean group) {
        if (x509 == null || !x509.isObject()) {
            throw ProvisioningException.badRequest("attestation.x509 needs clientCertificates, signingCertificates"
                    + " or caReferences.");
        }
        List<String> present = new ArrayList<>();
        for (String f : List.of(CLIENT, SIGNING, CA_REFERENCES)) {
            if (x509.hasNonNull(f)) {
                present.add(f);
            }
        }
        if (present.isEmpty()) {
            throw ProvisioningException.badRequest("attestation.x509 needs clientCertificates, signingCertificates"
                    + " or caReferences.");
        }
        if (present.size() > 1) {
            throw ProvisioningException.badRequest("attestation.x509 must have exactly one of clientCertificates,"
                    + " signingCertificates or caReferences, not " + String.join(" and ", present) + ".");
        }
        String kind = present.get(0);
        if (group && kind.equals(CLIENT)) {
            throw ProvisioningException.badRequest("Enrollment groups use signingCertificates or caReferences;"
                    + " clientCertificates belong to individual enrollments.");
        }
        ObjectNode out = Json.object();
        JsonNode in = x509.get(kind);
        if (!in.isObject()) {
            throw ProvisioningException.badRequest("attestation.x509." + kind + " must be an object with primary and"
                    + " optional secondary.");
        }
        ObjectNode slots = out.putObject(kind);
        for (String slot : List.of("primary", "secondary")) {
            JsonNode v = in.get(slot);
            String field = "attestation.x509." + kind + "." + slot;
            if (v == null || v.isNull()) {
                if (slot.equals("primary")) {
                    throw ProvisioningException.badRequest(field + " is required.");
                }
                continue;
            }
            if (kind.equals(CA_REFERENCES)) {
                if (!v.isTextual() || !CERT_NAME.matcher(v.asText()).matches()) {
                    throw ProvisioningException.badRequest(field + " must name a certificate of this instance"
                            + " (letters, digits, '.', '-', '_'; at most 128).");
                }
                slots.put(slot, v.asText());
                continue;
            }
            JsonNode certText = v.isTextual() ? v : v.get("certificate");
            if (certText == null || !certText.isTextual()) {
                throw ProvisioningException.badRequest(field + ".certificate (PEM or base64 DER) is required.");
            }
            X509Certificate cert = Certificates.parseOne(certText.asText(), field + ".certificate");
            if (kind.equals(SIGNING) && !Certificates.isCa(cert)) {
                throw ProvisioningException.badRequest(field + " " + Certificates.describe(cert) + " is not a CA"
                        + " certificate (basicConstraints CA=true is missing), so it cannot sign device certificates.");
            }
            ObjectNode s = slots.putObject(slot);
            s.put("certificate", Certificates.pem(cert));
            s.set("info", Json.MAPPER.valueToTree(X509CertificateInfo.of(cert)));
        }
        return out;
    }

    /** Reads a stored (normalised) attestation; certificates come from {@code parse}, which may cache. */
    public static X509Attestation of(JsonNode x509, java.util.function.Function<String, X509Certificate> parse) {
        List<X509Certificate> client = new ArrayList<>();
        List<X509Certificate> signing = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        if (x509 != null) {
            for (String slot : List.of("primary", "secondary")) {
                JsonNode c = x509.path(CLIENT).path(slot).path("certificate");
                if (c.isTextual()) {
                    client.add(parse.apply(c.asText()));
                }
                JsonNode s = x509.path(SIGNING).path(slot).path("certificate");
                if (s.isTextual()) {
                    signing.add(parse.apply(s.asText()));
                }
                JsonNode r = x509.path(CA_REFERENCES).path(slot);
                if (r.isTextual()) {
                    refs.add(r.asText());
                }
            }
        }
        return new X509Attestation(List.copyOf(client), List.copyOf(signing), List.copyOf(refs));
    }

    /** The primary client certificate's subject CN, or null. */
    static String clientCommonName(ObjectNode normalised) {
        JsonNode c = normalised.path(CLIENT).path("primary").path("certificate");
        return c.isTextual() ? Certificates.commonName(Certificates.parseOne(c.asText(), "certificate")) : null;
    }
}
