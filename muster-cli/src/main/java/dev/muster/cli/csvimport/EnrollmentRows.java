package dev.muster.cli.csvimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns a CSV file of enrollments into the individual-enrollment documents of the bulk API, checking every row
 * first. The header row names the columns (any order, any letter case); only {@code registrationId} is required:
 *
 * <pre>
 * registrationId      the device's registration ID (letters, digits, - . _ :, at most 128)
 * attestation         symmetricKey (default) | tpm | x509
 * primaryKey          symmetricKey: base64 key of 16-64 bytes (generated when empty)
 * secondaryKey        symmetricKey: likewise
 * endorsementKey      tpm: the EK, base64 (required for tpm)
 * storageRootKey      tpm: optional SRK, base64
 * certificate         x509: PEM file of the device certificate, relative to the CSV file (required for x509)
 * deviceId            hub device ID (default: the registration ID)
 * iotHubs             linked hub host names the device may go to, separated by ';'
 * provisioningStatus  enabled (default) | disabled
 * allocationPolicy    hashed | geoLatency | static (default: the instance's)
 * iotEdge             true | false (default false)
 * tags                initial twin tags, a JSON object
 * desired             initial desired properties, a JSON object
 * </pre>
 */
public final class EnrollmentRows {
    public static final List<String> COLUMNS = List.of("registrationId", "attestation", "primaryKey", "secondaryKey",
            "endorsementKey", "storageRootKey", "certificate", "deviceId", "iotHubs", "provisioningStatus",
            "allocationPolicy", "iotEdge", "tags", "desired");
    private static final Pattern REGISTRATION_ID = Pattern.compile("[A-Za-z0-9\\-._:]{0,127}[A-Za-z0-9\\-]");
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-.%_*?!(),:=@$']{1,128}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}");

    /** One enrollment to send, with the CSV line it came from. */
    public record Item(int line, String registrationId, ObjectNode document) {}

    /** A bad row: the line and what is wrong with it. */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    /** Every row checked: the items when {@code problems} is empty. */
    public record Parsed(List<Item> items, List<Problem> problems) {}

    private EnrollmentRows() {}

    /** Reads and checks the whole file; certificate paths are resolved against {@code baseDir}. */
    public static Parsed read(Reader in, Path baseDir) throws IOException {
        CsvRecords csv = new CsvRecords(in);
        List<Item> items = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        CsvRecords.Record header;
        try {
            header = csv.next();
        } catch (IOException e) {
            problems.add(new Problem(1, e.getMessage()));
            return new Parsed(items, problems);
        }
        if (header == null) {
            problems.add(new Problem(1, "the file is empty: the first row must name the columns, e.g."
                    + " registrationId,primaryKey,tags"));
            return new Parsed(items, problems);
        }
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip();
            String known = COLUMNS.stream().filter(c -> c.equalsIgnoreCase(name)).findFirst().orElse(null);
            if (known == null) {
                problems.add(new Problem(header.line(), "unknown column '" + name + "'; the columns are "
                        + String.join(", ", COLUMNS)));
            } else if (columns.putIfAbsent(known, i) != null) {
                problems.add(new Problem(header.line(), "column '" + known + "' appears twice"));
            }
        }
        if (!columns.containsKey("registrationId")) {
            problems.add(new Problem(header.line(), "the header has no registrationId column"));
        }
        if (!problems.isEmpty()) {
            return new Parsed(items, problems);
        }
        Map<String, Integer> seen = new HashMap<>();
        while (true) {
            CsvRecords.Record r;
            try {
                r = csv.next();
            } catch (IOException e) {
                problems.add(new Problem(0, e.getMessage()));
                break;
            }
            if (r == null) {
                break;
            }
            if (r.fields().size() != header.fields().size()) {
                problems.add(new Problem(r.line(), r.fields().size() + " fields where the header has "
                        + header.fields().size() + " (quote fields that contain commas: \"{\"\"a\"\":1,\"\"b\"\":2}\")"));
                continue;
            }
            Row row = new Row(r, columns);
            ObjectNode doc = row.document(baseDir);
            if (!row.errors.isEmpty()) {
                problems.add(new Problem(r.line(), String.join("; ", row.errors)));
                continue;
            }
            String id = doc.get("registrationId").asText();
            Integer before = seen.putIfAbsent(id.toLowerCase(Locale.ROOT), r.line());
            if (before != null) {
                problems.add(new Problem(r.line(), "registrationId '" + id + "' already appears on line " + before));
                continue;
            }
            items.add(new Item(r.line(), id, doc));
        }
        return new Parsed(items, problems);
    }

    /** One data row being checked; {@code errors} collects everything wrong with it. */
    private static final class Row {
        final CsvRecords.Record record;
        final Map<String, Integer> columns;
        final List<String> errors = new ArrayList<>();

        Row(CsvRecords.Record record, Map<String, Integer> columns) {
            this.record = record;
            this.columns = columns;
        }

        String get(String column) {
            Integer i = columns.get(column);
            String v = i == null ? "" : record.fields().get(i).strip();
            return v.isEmpty() ? null : v;
        }

        ObjectNode document(Path baseDir) {
            ObjectNode doc = Json.object();
            String id = get("registrationId");
            if (id == null) {
                errors.add("registrationId is empty");
            } else if (!REGISTRATION_ID.matcher(id).matches()) {
                errors.add("registrationId '" + id + "' is not valid (letters, digits, '-', '.', '_', ':'; at most 128;"
                        + " ends with a letter, digit or '-')");
            }
            doc.put("registrationId", id);
            String deviceId = get("deviceId");
            if (deviceId != null) {
                if (!DEVICE_ID.matcher(deviceId).matches()) {
                    errors.add("deviceId '" + deviceId + "' is not a valid device ID");
                }
                doc.put("deviceId", deviceId);
            }
            attestation(doc.putObject("attestation"), baseDir);
            String status = get("provisioningStatus");
            if (status != null && !status.equals("enabled") && !status.equals("disabled")) {
                errors.add("provisioningStatus must be enabled or disabled, not '" + status + "'");
            }
            doc.put("provisioningStatus", status == null ? "enabled" : status);
            String hubs = get("iotHubs");
            if (hubs != null) {
                ArrayNode list = doc.putArray("iotHubs");
                for (String h : hubs.split("[;\\s]+")) {
                    if (!HOST.matcher(h).matches()) {
                        errors.add("iotHubs: '" + h + "' is not a host name (separate hubs with ';')");
                    }
                    list.add(h);
                }
            }
            String policy = get("allocationPolicy");
            if (policy != null) {
                if (!List.of("hashed", "geoLatency", "static").contains(policy)) {
                    errors.add("allocationPolicy must be hashed, geoLatency or static, not '" + policy + "'");
                }
                doc.put("allocationPolicy", policy);
            }
            String edge = get("iotEdge");
            if (edge != null && !edge.equalsIgnoreCase("true") && !edge.equalsIgnoreCase("false")) {
                errors.add("iotEdge must be true or false, not '" + edge + "'");
            }
            doc.putObject("capabilities").put("iotEdge", "true".equalsIgnoreCase(edge));
            JsonNode tags = jsonObject("tags");
            JsonNode desired = jsonObject("desired");
            if (tags != null || desired != null) {
                ObjectNode twin = doc.putObject("initialTwin");
                if (tags != null) {
                    twin.set("tags", tags);
                }
                if (desired != null) {
                    twin.putObject("properties").set("desired", desired);
                }
            }
            return doc;
        }

        private void attestation(ObjectNode att, Path baseDir) {
            String type = get("attestation");
            type = type == null ? "symmetricKey" : type;
            switch (type) {
                case "symmetricKey" -> {
                    notFor(type, "endorsementKey", "storageRootKey", "certificate");
                    ObjectNode keys = att.put("type", "symmetricKey").putObject("symmetricKey");
                    key("primaryKey", keys);
                    key("secondaryKey", keys);
                }
                case "tpm" -> {
                    notFor(type, "primaryKey", "secondaryKey", "certificate");
                    ObjectNode tpm = att.put("type", "tpm").putObject("tpm");
                    String ek = get("endorsementKey");
                    if (ek == null) {
                        errors.add("attestation tpm needs an endorsementKey");
                    } else {
                        base64(ek, "endorsementKey");
                        tpm.put("endorsementKey", ek);
                    }
                    String srk = get("storageRootKey");
                    if (srk != null) {
                        base64(srk, "storageRootKey");
                        tpm.put("storageRootKey", srk);
                    }
                }
                case "x509" -> {
                    notFor(type, "primaryKey", "secondaryKey", "endorsementKey", "storageRootKey");
                    String file = get("certificate");
                    if (file == null) {
                        errors.add("attestation x509 needs a certificate (a PEM file)");
                        return;
                    }
                    Path pem = baseDir.resolve(file);
                    try {
                        String text = Files.readString(pem);
                        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
                            errors.add("certificate " + pem + " holds no PEM certificate");
                        }
                        att.put("type", "x509").putObject("x509").putObject("clientCertificates")
                                .putObject("primary").put("certificate", text);
                    } catch (IOException e) {
                        errors.add("cannot read certificate " + pem);
                    }
                }
                default -> errors.add("attestation must be symmetricKey, tpm or x509, not '" + type + "'");
            }
        }

        private void notFor(String type, String... columnsNotAllowed) {
            for (String c : columnsNotAllowed) {
                if (get(c) != null) {
                    errors.add(c + " does not apply to " + type + " attestation");
                }
            }
        }

        private void key(String column, ObjectNode keys) {
            String k = get(column);
            if (k == null) {
                return;
            }
            byte[] raw = base64(k, column);
            if (raw != null && (raw.length < 16 || raw.length > 64)) {
                errors.add(column + " must be 16 to 64 bytes (base64), not " + raw.length);
            }
            keys.put(column, k);
        }

        private byte[] base64(String value, String column) {
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                errors.add(column + " is not valid base64");
                return null;
            }
        }

        private JsonNode jsonObject(String column) {
            String text = get(column);
            if (text == null) {
                return null;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(text);
                if (n != null && n.isObject()) {
                    return n;
                }
            } catch (IOException e) {
                // reported below
            }
            errors.add(column + " must be a JSON object such as {\"site\":\"lab\"} (in CSV: \"{\"\"site\"\":\"\"lab\"\"}\")");
            return null;
        }
    }
}
