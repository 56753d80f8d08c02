package dev.muster.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import java.util.Comparator;

/** JSON equality that ignores field order and numeric node types (an IntNode 3 equals a LongNode 3). */
public final class JsonAssert {
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private JsonAssert() {}

    public static boolean jsonEquals(JsonNode actual, JsonNode expected) {
        return actual != null && actual.equals(NUMBERS_BY_VALUE, expected);
    }

    public static void assertJson(JsonNode actual, String expectedJson) {
        JsonNode expected = Json.tree(expectedJson);
        assertThat(jsonEquals(actual, expected)).as("expected %s but was %s", expected, actual).isTrue();
    }
}
