package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What {@code muster device register --csr} sends and keeps: the request as the DPS data plane
 * 2025-07-01-preview wants it in {@code csr} (base64 of the DER PKCS#10, no PEM armour), and the
 * {@code issuedCertificateChain} of the answer written as PEM, leaf first and ending with the root, ready for
 * {@code curl --cert} or an SDK's X.509 client.
 */
final class DeviceCsr {
    /** The first data-plane version whose register body has {@code csr}. */
    static final String API_VERSION = "2025-07-01-preview";
    private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE REQUEST-----";
    private static final String PEM_END = "-----END CERTIFICATE REQUEST-----";

    private DeviceCsr() {
    }

    /** The file's request as base64 DER, whether the file is DER (openssl -outform DER) or PEM. */
    static String base64Der(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageError("Cannot read the CSR " + file + ": " + e.getMessage());
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int begin = text.indexOf(PEM_BEGIN);
        if (begin >= 0) {
            int end = text.indexOf(PEM_END, begin);
            if (end < 0) {
                throw new UsageError(file + " has no '" + PEM_END + "' line.");
            }
            try {
                bytes = Base64.getMimeDecoder().decode(text.substring(begin + PEM_BEGIN.length(), end));
            } catch (IllegalArgumentException e) {
                throw new UsageError(file + " is not a PEM certificate request: " + e.getMessage());
            }
        }
        if (bytes.length == 0 || bytes[0] != 0x30) {
            throw new UsageError(file + " is neither a DER nor a PEM certificate signing request (make one with"
                    + " openssl req -new ... -outform DER).");
        }
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The answer's chain as PEM, leaf first; empty when the answer has none. */
    static List<String> chainPem(JsonNode registrationState) {
        List<String> pems = new ArrayList<>();
        for (JsonNode c : registrationState.path("issuedCertificateChain")) {
            String b64 = c.asText();
            StringBuilder pem = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
            for (int i = 0; i < b64.length(); i += 64) {
                pem.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
            }
            pems.add(pem.append("-----END CERTIFICATE-----\n").toString());
        }
        return pems;
    }

    static void write(Path file, List<String> pems) {
        try {
            Files.writeString(file, String.join("", pems));
        } catch (IOException e) {
            throw new UsageError("Cannot write the issued chain to " + file + ": " + e.getMessage());
        }
    }
}
