package dev.muster.core.enrollment;

import com.fasterxml.jackson.databind.JsonNode;

/** Initial twin of an enrollment: {@code {"tags":{…},"properties":{"desired":{…}}}}. */
public record TwinState(JsonNode tags, Properties properties) {
    public record Properties(JsonNode desired) {}

    public JsonNode desired() {
        return properties == null ? null : properties.desired();
    }
}
