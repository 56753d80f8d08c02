package dev.muster.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;

/**
 * The body of a twin-change event as IoT Hub sends it: the twin's new version and only what changed,
 * {@code {"version":5,"tags":{..},"properties":{"desired":{..,"$version":3}}}} (or {@code "reported"}).
 */
final class TwinChangeBody {
    private TwinChangeBody() {}

    /**
     * @param tags the changed tags, or null when they did not change
     * @param section {@code desired} or {@code reported}
     * @param properties the changed properties of that section, or null when none changed
     */
    static ObjectNode of(long version, ObjectNode tags, String section, ObjectNode properties, long sectionVersion) {
        ObjectNode body = Json.object().put("version", version);
        if (tags != null) {
            body.set("tags", tags);
        }
        if (properties != null) {
            ObjectNode changed = properties.deepCopy();
            changed.put("$version", sectionVersion);
            body.putObject("properties").set(section, changed);
        }
        return body;
    }
}
