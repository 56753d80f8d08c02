package dev.muster.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.server.http.FrontDoor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutated JSON request bodies, the same for every transport (the registration and service bodies are parsed by the
 * same code whatever carried them): cut short, bit-flipped, replaced by another JSON type, invalid UTF-8, one byte
 * over the 96 KB cap, or with one field at any depth set to a value of the wrong type, nested too deep or too large.
 */
final class JsonBodies {
    /** Raw JSON put in place of one field's value: wrong types, numbers past every limit, odd strings. */
    private static final String[] ODD_VALUES = {"5", "-1", "0", "true", "null", "[]", "{}", "[1,\"a\",{}]", "\"\"",
            "\"x\"", "1e999999", "-1e-999999", "123456789012345678901234567890123456789", "1".repeat(2000),
            "\"" + "a".repeat(70_000) + "\"", "\"\\u0000\"", "\"\\ud800\"", "\"%00/../\"", "{\"a\":" .repeat(600) + "1"
            + "}".repeat(600), "[".repeat(3000) + "]".repeat(3000)};
    private static final String MARK = "__fuzz_value__";

    private final Fuzz fuzz;

    JsonBodies(Fuzz fuzz) {
        this.fuzz = fuzz;
    }

    /** One edit of a valid body. */
    byte[] edit(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        switch (fuzz.below(7)) {
            case 0:
                return java.util.Arrays.copyOf(body, fuzz.below(body.length + 1));
            case 1:
                return fuzz.mutate(body);
            case 2:
                return Fuzz.ascii(fuzz.oneOf("", "null", "[]", "\"text\"", "42", "{", "}", "{\"a\":1,\"a\":2}",
                        "\ufeff{}", "{\"registrationId\":\"x\"}garbage"));
            case 3:
                return Fuzz.splice(body, 0, 0, new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff});
            case 4:
                return Fuzz.ascii("x".repeat(FrontDoor.MAX_BODY + 1));
            default:
                return oddField(text);
        }
    }

    /** The body with one field (at any depth) replaced by an odd value; a body that is not a JSON object gets one. */
    private byte[] oddField(String text) {
        JsonNode tree;
        try {
            tree = Json.tree(text);
        } catch (RuntimeException notJson) {
            tree = Json.object();
        }
        if (!tree.isObject()) {
            tree = Json.object();
        }
        List<ObjectNode> objects = new ArrayList<>();
        collect(tree, objects);
        ObjectNode at = fuzz.oneOf(objects);
        List<String> names = new ArrayList<>();
        at.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() || fuzz.percent(20) ? fuzz.oneOf("registrationId", "payload", "attestation",
                "type", "tpm", "deviceId", "etag", "$version") : fuzz.oneOf(names);
        at.put(name, MARK);
        return Json.write(tree).replace("\"" + MARK + "\"", fuzz.oneOf(ODD_VALUES)).getBytes(StandardCharsets.UTF_8);
    }

    private static void collect(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode o) {
            objects.add(o);
        }
        if (node instanceof ObjectNode || node instanceof ArrayNode) {
            node.forEach(child -> collect(child, objects));
        }
    }
}
