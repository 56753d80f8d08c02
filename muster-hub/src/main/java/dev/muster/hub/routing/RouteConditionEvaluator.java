package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.muster.hub.query.QueryValues;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.muster.hub.query.QueryValues.truth;

/**
 * Evaluates a route condition against one message with IoT Hub's semantics (shared with the registry queries in
 * {@link QueryValues}): anything missing is undefined (Java null), an operator or function given undefined or a value
 * of the wrong type yields undefined, and a condition that is not {@code true} does not route the message.
 * Application and system properties are strings; arithmetic and math functions take numbers only.
 */
final class RouteConditionEvaluator {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private RouteConditionEvaluator() {}

    static boolean matches(ConditionExpr condition, RoutedMessage message) {
        return Boolean.TRUE.equals(truth(evaluate(condition, message)));
    }

    /** @return the value, or null when undefined */
    static JsonNode evaluate(ConditionExpr e, RoutedMessage m) {
        if (e instanceof ConditionExpr.Literal l) {
            return l.value();
        }
        if (e instanceof ConditionExpr.AppProperty p) {
            return text(m.applicationProperty(p.name()));
        }
        if (e instanceof ConditionExpr.SystemProperty p) {
            return text(m.systemProperty(p.name()));
        }
        if (e instanceof ConditionExpr.BodyPath b) {
            return follow(m.body(), b.steps());
        }
        if (e instanceof ConditionExpr.Compare c) {
            return QueryValues.compare(c.operator(), evaluate(c.left(), m), evaluate(c.right(), m));
        }
        if (e instanceof ConditionExpr.And a) {
            return QueryValues.and(truth(evaluate(a.left(), m)), truth(evaluate(a.right(), m)));
        }
        if (e instanceof ConditionExpr.Or o) {
            return QueryValues.or(truth(evaluate(o.left(), m)), truth(evaluate(o.right(), m)));
        }
        if (e instanceof ConditionExpr.Not n) {
            return QueryValues.not(truth(evaluate(n.operand(), m)));
        }
        if (e instanceof ConditionExpr.In in) {
            return QueryValues.in(evaluate(in.value(), m), in.candidates(), in.negated());
        }
        if (e instanceof ConditionExpr.Arithmetic a) {
            return arithmetic(a.operator(), evaluate(a.left(), m), evaluate(a.right(), m));
        }
        if (e instanceof ConditionExpr.Negate n) {
            JsonNode v = evaluate(n.operand(), m);
            return v != null && v.isNumber() ? JSON.numberNode(v.decimalValue().negate()) : null;
        }
        ConditionExpr.Call call = (ConditionExpr.Call) e;
        List<JsonNode> args = new ArrayList<>(call.arguments().size());
        for (ConditionExpr a : call.arguments()) {
            args.add(evaluate(a, m));
        }
        return call(call.function(), args);
    }

    private static JsonNode text(String value) {
        return value == null ? null : JSON.textNode(value);
    }

    private static JsonNode follow(JsonNode node, List<Object> steps) {
        for (Object step : steps) {
            if (node == null) {
                return null;
            }
            if (step instanceof Integer index) {
                node = node.isArray() ? node.get(index) : null;
            } else {
                node = node.isObject() ? node.get((String) step) : null;
            }
        }
        return node;
    }

    private static JsonNode arithmetic(char op, JsonNode a, JsonNode b) {
        if (a == null || b == null || !a.isNumber() || !b.isNumber()) {
            return null;
        }
        BigDecimal x = a.decimalValue();
        BigDecimal y = b.decimalValue();
        if ((op == '/' || op == '%') && y.signum() == 0) {
            return null;
        }
        return JSON.numberNode(switch (op) {
            case '+' -> x.add(y);
            case '-' -> x.subtract(y);
            case '*' -> x.multiply(y);
            case '/' -> x.divide(y, MathContext.DECIMAL64);
            default -> x.remainder(y);
        });
    }

    private static JsonNode call(String function, List<JsonNode> args) {
        JsonNode v = args.get(0);
        Boolean typed = QueryValues.typeTest(function, v);
        if (typed != null) {
            return BooleanNode.valueOf(typed);
        }
        if (function.equals("AS_NUMBER")) {
            return asNumber(v);
        }
        if (function.equals("CONCAT")) {
            StringBuilder out = new StringBuilder();
            for (JsonNode a : args) {
                if (a == null || !a.isTextual()) {
                    return null;
                }
                out.append(a.textValue());
            }
            return JSON.textNode(out.toString());
        }
        if (v != null && v.isNumber()) {
            return math(function, v.decimalValue(), args);
        }
        if (v != null && v.isTextual()) {
            return string(function, v.textValue(), args);
        }
        return null;
    }

    private static JsonNode asNumber(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            return v;
        }
        if (!v.isTextual()) {
            return null;
        }
        try {
            return JSON.numberNode(new BigDecimal(v.textValue().strip()));
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static JsonNode math(String function, BigDecimal x, List<JsonNode> args) {
        return switch (function) {
            case "ABS" -> JSON.numberNode(x.abs());
            case "CEILING" -> JSON.numberNode(x.setScale(0, RoundingMode.CEILING));
            case "FLOOR" -> JSON.numberNode(x.setScale(0, RoundingMode.FLOOR));
            case "SIGN" -> JSON.numberNode(x.signum());
            case "SQUARE" -> JSON.numberNode(x.multiply(x));
            case "SQRT" -> x.signum() < 0 ? null : real(Math.sqrt(x.doubleValue()));
            case "EXP" -> real(Math.exp(x.doubleValue()));
            case "POWER" -> {
                JsonNode y = args.get(1);
                yield y == null || !y.isNumber() ? null : real(Math.pow(x.doubleValue(), y.doubleValue()));
            }
            default -> null;
        };
    }

    private static JsonNode real(double d) {
        return Double.isFinite(d) ? JSON.numberNode(BigDecimal.valueOf(d)) : null;
    }

    private static JsonNode string(String function, String s, List<JsonNode> args) {
        return switch (function) {
            case "LENGTH" -> JSON.numberNode(s.codePointCount(0, s.length()));
            case "LOWER" -> JSON.textNode(s.toLowerCase(Locale.ROOT));
            case "UPPER" -> JSON.textNode(s.toUpperCase(Locale.ROOT));
            case "SUBSTRING" -> substring(s, args);
            case "INDEX_OF", "STARTS_WITH", "ENDS_WITH", "CONTAINS" -> {
                JsonNode other = args.get(1);
                if (other == null || !other.isTextual()) {
                    yield null;
                }
                String t = other.textValue();
                yield switch (function) {
                    case "INDEX_OF" -> JSON.numberNode(s.indexOf(t));
                    case "STARTS_WITH" -> BooleanNode.valueOf(s.startsWith(t));
                    case "ENDS_WITH" -> BooleanNode.valueOf(s.endsWith(t));
                    default -> BooleanNode.valueOf(s.contains(t));
                };
            }
            default -> null;
        };
    }

    /** {@code SUBSTRING(s, start[, length])}, zero-based; out-of-range parts are clipped, as Cosmos-style SQL does. */
    private static JsonNode substring(String s, List<JsonNode> args) {
        JsonNode start = args.get(1);
        JsonNode length = args.size() > 2 ? args.get(2) : JSON.numberNode(s.length());
        if (start == null || length == null || !start.canConvertToInt() || !length.canConvertToInt()
                || !start.isIntegralNumber() && start.decimalValue().stripTrailingZeros().scale() > 0) {
            return null;
        }
        int from = Math.max(0, Math.min(s.length(), start.intValue()));
        int to = Math.max(from, Math.min(s.length(), from + Math.max(0, length.intValue())));
        return JSON.textNode(s.substring(from, to));
    }
}
