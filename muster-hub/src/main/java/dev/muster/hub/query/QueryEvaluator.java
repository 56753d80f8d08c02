package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.muster.core.Json;
import java.util.List;

/**
 * Evaluates query expressions against one twin document with IoT Hub's semantics: a path that is missing is
 * <em>undefined</em> (Java {@code null} here, apart from JSON {@code null}); comparing values of different types, or
 * anything with undefined, is undefined; undefined is not true, so such a row is not selected — and {@code NOT}
 * of undefined stays undefined. {@code AND}/{@code OR} are three-valued.
 */
final class QueryEvaluator {
    private QueryEvaluator() {}

    /** Whether {@code where} selects the document (null = no WHERE clause = every document). */
    static boolean selects(Expr where, JsonNode document, QuerySource source) {
        return where == null || evaluate(where, document, source) instanceof BooleanNode b && b.booleanValue();
    }

    /** @return the value, or null when undefined */
    static JsonNode evaluate(Expr e, JsonNode doc, QuerySource source) {
        if (e instanceof Expr.Literal l) {
            return l.value();
        }
        if (e instanceof Expr.Path p) {
            return resolve(p, doc, source);
        }
        if (e instanceof Expr.Compare c) {
            return compare(c.operator(), evaluate(c.left(), doc, source), evaluate(c.right(), doc, source));
        }
        if (e instanceof Expr.And a) {
            return and(truth(evaluate(a.left(), doc, source)), truth(evaluate(a.right(), doc, source)));
        }
        if (e instanceof Expr.Or o) {
            return or(truth(evaluate(o.left(), doc, source)), truth(evaluate(o.right(), doc, source)));
        }
        if (e instanceof Expr.Not n) {
            Boolean t = truth(evaluate(n.operand(), doc, source));
            return t == null ? null : BooleanNode.valueOf(!t);
        }
        if (e instanceof Expr.In in) {
            return in(evaluate(in.value(), doc, source), in.candidates(), in.negated());
        }
        return call((Expr.Call) e, doc, source);
    }

    /**
     * Follows a path; names match exactly, else case-insensitively. A leading {@code devices.} (and
     * {@code devices.modules.} / {@code modules.} on module twins) names the collection and is skipped.
     */
    static JsonNode resolve(Expr.Path p, JsonNode doc, QuerySource source) {
        List<String> names = p.names();
        int from = 0;
        if (names.size() > 1 && names.get(0).equalsIgnoreCase("devices")) {
            from = 1;
            if (source == QuerySource.MODULES && names.size() > 2 && names.get(1).equalsIgnoreCase("modules")) {
                from = 2;
            }
        }
        JsonNode node = doc;
        for (int i = from; i < names.size(); i++) {
            node = child(node, names.get(i));
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    private static JsonNode child(JsonNode node, String name) {
        return node == null || !node.isObject() ? null : Json.fieldIgnoringCase(node, name);
    }

    private static JsonNode compare(String op, JsonNode a, JsonNode b) {
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

    private static JsonNode in(JsonNode value, List<JsonNode> candidates, boolean negated) {
        if (value == null) {
            return null;
        }
        boolean found = candidates.stream().anyMatch(c -> Integer.valueOf(0).equals(order(value, c, false)));
        return BooleanNode.valueOf(found != negated);
    }

    private static JsonNode call(Expr.Call call, JsonNode doc, QuerySource source) {
        JsonNode v = evaluate(call.arguments().get(0), doc, source);
        return switch (call.function()) {
            case "IS_DEFINED" -> BooleanNode.valueOf(v != null);
            case "IS_NULL" -> BooleanNode.valueOf(v != null && v.isNull());
            case "IS_STRING" -> BooleanNode.valueOf(v != null && v.isTextual());
            case "IS_NUMBER" -> BooleanNode.valueOf(v != null && v.isNumber());
            case "IS_BOOL" -> BooleanNode.valueOf(v != null && v.isBoolean());
            case "IS_OBJECT" -> BooleanNode.valueOf(v != null && v.isObject());
            case "IS_ARRAY" -> BooleanNode.valueOf(v != null && v.isArray());
            case "IS_PRIMITIVE" -> BooleanNode.valueOf(v != null && (v.isValueNode()));
            case "STARTSWITH", "ENDSWITH" -> {
                JsonNode affix = evaluate(call.arguments().get(1), doc, source);
                if (v == null || affix == null || !v.isTextual() || !affix.isTextual()) {
                    yield null;
                }
                yield BooleanNode.valueOf(call.function().equals("STARTSWITH")
                        ? v.textValue().startsWith(affix.textValue()) : v.textValue().endsWith(affix.textValue()));
            }
            default -> throw new IllegalStateException("function " + call.function() + " passed the parser");
        };
    }

    private static Boolean truth(JsonNode v) {
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    private static JsonNode and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return BooleanNode.FALSE;
        }
        return a != null && b != null ? BooleanNode.TRUE : null;
    }

    private static JsonNode or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return BooleanNode.TRUE;
        }
        return a != null && b != null ? BooleanNode.FALSE : null;
    }
}
