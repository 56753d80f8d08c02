package dev.muster.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** JSON merge patch (RFC 7386) as twins use it: objects merge, null deletes, anything else replaces. */
final class JsonMerge {
    private JsonMerge() {}

    static boolean merge(ObjectNode target, JsonNode patch) {
        boolean changed = false;
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            if (name.startsWith("$")) {
                continue; // $version, $metadata are the hub's, never the client's
            }
            JsonNode value = f.getValue();
            JsonNode current = target.get(name);
            if (value == null || value.isNull()) {
                changed |= target.remove(name) != null;
            } else if (value.isObject() && current != null && current.isObject()) {
                changed |= merge((ObjectNode) current, value);
            } else if (value.isObject()) {
                ObjectNode fresh = target.objectNode();
                merge(fresh, value);
                target.set(name, fresh);
                changed = true;
            } else if (!value.equals(current)) {
                target.set(name, value.deepCopy());
                changed = true;
            }
        }
        return changed;
    }

    /** A copy of a merge patch without {@code $}-prefixed fields, keeping its nulls (deletions) at every depth. */
    static ObjectNode patchCopy(JsonNode patch) {
        ObjectNode out = dev.muster.core.Json.object();
        patch.fields().forEachRemaining(f -> {
            if (!f.getKey().startsWith("$")) {
                out.set(f.getKey(), f.getValue().isObject() ? patchCopy(f.getValue()) : f.getValue().deepCopy());
            }
        });
        return out;
    }

    /** Strips {@code $}-prefixed fields and nulls from a client document meant as a whole (replace). */
    static ObjectNode clean(JsonNode doc) {
        ObjectNode out = dev.muster.core.Json.object();
        if (doc != null && doc.isObject()) {
            merge(out, doc);
        }
        return out;
    }
}
