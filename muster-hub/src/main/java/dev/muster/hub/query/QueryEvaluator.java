package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import dev.muster.core.Json;
import java.util.List;

import static dev.muster.hub.query.QueryValues.truth;

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
            return QueryValues.compare(c.operator(), evaluate(c.left(), doc, source), evaluate(c.right(), doc, source));
        }
        if (e instanceof Expr.And a) {
            return QueryValues.and(truth(evaluate(a.left(), doc, source)), truth(evaluate(a.right(), doc, source)));
        }
        if (e instanceof Expr.Or o) {
            return QueryValues.or(truth(evaluate(o.left(), doc, source)), truth(evaluate(o.right(), doc, source)));
        }
        if (e instanceof Expr.Not n) {
            return QueryValues.not(truth(evaluate(n.operand(), doc, source)));
        }
        if (e instanceof Expr.In in) {
            return QueryValues.in(evaluate(in.value(), doc, source), in.candidates(), in.negated());
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

    private static JsonNode call(Expr.Call call, JsonNode doc, QuerySource source) {
        JsonNode v = evaluate(call.arguments().get(0), doc, source);
        Boolean typed = QueryValues.typeTest(call.function(), v);
        if (typed != null) {
            return BooleanNode.valueOf(typed);
        }
        return switch (call.function()) {
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
}
