package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tags of an enrollment's initial twin as flat {@code path → value} pairs, the form queries match on:
 * {@code {"building":"43","loc":{"floor":2}}} gives {@code building → 43} and {@code loc.floor → 2}. Only scalar
 * leaves count; strings keep their text, numbers and booleans their JSON text.
 */
public final class EnrollmentTags {
    private EnrollmentTags() {}

    public static Map<String, String> of(Enrollment enrollment) {
        TwinState twin = enrollment.initialTwin();
        return flatten(twin == null ? null : twin.tags());
    }

    public static Map<String, String> flatten(JsonNode tags) {
        Map<String, String> out = new TreeMap<>();
        if (tags != null && tags.isObject()) {
            collect("", tags, out);
        }
        return out;
    }

    private static void collect(String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                collect(path + ".", value, out);
            } else if (value.isValueNode() && !value.isNull()) {
                out.put(path, value.asText());
            }
        }
    }
}
