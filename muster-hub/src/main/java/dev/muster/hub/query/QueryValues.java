package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.List;

/**
 * The value semantics IoT Hub's registry queries and route conditions share: {@code null} (Java) is
 * <em>undefined</em>, apart from JSON {@code null}; comparing values of different types, or anything with undefined,
 * is undefined; {@code AND}/{@code OR}/{@code NOT} are three-valued, and undefined is never true.
 */
public final class QueryValues {
    private QueryValues() {}

    /** {@code =, !=, <>, <, <=, >, >=}; @return the result, or null when undefined */
    public static JsonNode compare(String op, JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return null;
        }
        boolean ordering = !op.equals("=") && !op.equals("!=") && !op.equals("<>");
        Integer order = order(a, b, ordering);
        if (order == null) {
            return null;
        }
        boolean result = switch (op) {
            case "=" -> order == 0;
            case "!=", "<>" -> order != 0;
            case "<" -> order < 0;
            case "<=" -> order <= 0;
            case ">" -> order > 0;
            default -> order >= 0;
        };
        return BooleanNode.valueOf(result);
    }

    /**
     * Compares two values of one type: numbers by value, strings ordinally; booleans and null only for
     * (in)equality. @return null when the types differ or do not order
     */
    private static Integer order(JsonNode a, JsonNode b, boolean ordering) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isTextual() && b.isTextual()) {
            return a.textValue().compareTo(b.textValue());
        }
        if (ordering) {
            return null;
        }
        if (a.isBoolean() && b.isBoolean()) {
            return a.booleanValue() == b.booleanValue() ? 0 : 1;
        }
        if (a.isNull() && b.isNull()) {
            return 0;
        }
        return null;
    }

    /** {@code value IN candidates} (or {@code NOT IN} when negated); undefined when the value is. */
    public static JsonNode in(JsonNode value, List<JsonNode> candidates, boolean negated) {
        if (value == null) {
            return null;
        }
        boolean found = candidates.stream().anyMatch(c -> Integer.valueOf(0).equals(order(value, c, false)));
        return BooleanNode.valueOf(found != negated);
    }

    /** The type tests ({@code IS_DEFINED} ... {@code IS_PRIMITIVE}), upper-case names; null when not one of them. */
    public static Boolean typeTest(String function, JsonNode v) {
        return switch (function) {
            case "IS_DEFINED" -> v != null;
            case "IS_NULL" -> v != null && v.isNull();
            case "IS_STRING" -> v != null && v.isTextual();
            case "IS_NUMBER" -> v != null && v.isNumber();
            case "IS_BOOL" -> v != null && v.isBoolean();
            case "IS_OBJECT" -> v != null && v.isObject();
            case "IS_ARRAY" -> v != null && v.isArray();
            case "IS_PRIMITIVE" -> v != null && v.isValueNode();
            default -> null;
        };
    }

    /** @return true or false for a boolean, else null (undefined, or not a boolean) */
    public static Boolean truth(JsonNode v) {
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    public static JsonNode and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return BooleanNode.FALSE;
        }
        return a != null && b != null ? BooleanNode.TRUE : null;
    }

    public static JsonNode or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return BooleanNode.TRUE;
        }
        return a != null && b != null ? BooleanNode.FALSE : null;
    }

    public static JsonNode not(Boolean a) {
        return a == null ? null : BooleanNode.valueOf(!a);
    }
}
