package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.muster.hub.query.QueryLexer;
import dev.muster.hub.query.QuerySyntaxError;
import dev.muster.hub.query.Token;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of IoT Hub's routing query language: a boolean expression over application properties
 * (bare names), system properties ({@code $contentType}) and the JSON body ({@code $body.a.b[0]}). Keywords and
 * function names are case-insensitive; precedence, loosest first: OR, AND, NOT, comparisons and IN, {@code + -},
 * {@code * / %}, unary minus. Shares the registry query language's lexer and error (with its 1-based position).
 */
final class RouteConditionParser {
    /** IoT Hub refuses longer route queries. */
    static final int MAX_LENGTH = 1024;
    private static final Set<String> COMPARISONS = Set.of("=", "!=", "<>", "<", "<=", ">", ">=");
    private static final Set<String> RESERVED = Set.of("AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL");

    private final List<Token> tokens;
    private int at;

    private RouteConditionParser(String text) {
        this.tokens = QueryLexer.arithmeticTokens(text);
    }

    static ConditionExpr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new QuerySyntaxError(1, "the condition is empty; 'true' routes every message.");
        }
        if (text.length() > MAX_LENGTH) {
            throw new QuerySyntaxError(MAX_LENGTH + 1, "a route condition is at most " + MAX_LENGTH
                    + " characters.");
        }
        RouteConditionParser p = new RouteConditionParser(text);
        ConditionExpr e = p.expression();
        Token end = p.peek();
        if (end.kind() != Token.Kind.END) {
            throw error(end, "unexpected " + end.describe() + ".");
        }
        return e;
    }

    private ConditionExpr expression() {
        ConditionExpr left = conjunction();
        while (peek().isWord("OR")) {
            next();
            left = new ConditionExpr.Or(left, conjunction());
        }
        return left;
    }

    private ConditionExpr conjunction() {
        ConditionExpr left = negation();
        while (peek().isWord("AND")) {
            next();
            left = new ConditionExpr.And(left, negation());
        }
        return left;
    }

    private ConditionExpr negation() {
        if (peek().isWord("NOT")) {
            next();
            return new ConditionExpr.Not(negation());
        }
        return predicate();
    }

    private ConditionExpr predicate() {
        ConditionExpr left = additive();
        Token t = peek();
        if (t.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(t.text())) {
            next();
            return new ConditionExpr.Compare(t.text(), left, additive());
        }
        if (t.isWord("IN")) {
            next();
            return new ConditionExpr.In(left, list(), false);
        }
        if (t.isWord("NOT") && tokens.get(at + 1).isWord("IN")) {
            next();
            next();
            return new ConditionExpr.In(left, list(), true);
        }
        return left;
    }

    private ConditionExpr additive() {
        ConditionExpr left = multiplicative();
        while (peek().isSymbol("+") || peek().isSymbol("-")) {
            char op = next().text().charAt(0);
            left = new ConditionExpr.Arithmetic(op, left, multiplicative());
        }
        return left;
    }

    private ConditionExpr multiplicative() {
        ConditionExpr left = unary();
        while (peek().isSymbol("*") || peek().isSymbol("/") || peek().isSymbol("%")) {
            char op = next().text().charAt(0);
            left = new ConditionExpr.Arithmetic(op, left, unary());
        }
        return left;
    }

    private ConditionExpr unary() {
        if (peek().isSymbol("-")) {
            next();
            ConditionExpr operand = unary();
            return operand instanceof ConditionExpr.Literal l && l.value().isNumber()
                    ? new ConditionExpr.Literal(negative(l.value())) : new ConditionExpr.Negate(operand);
        }
        if (peek().isSymbol("+")) {
            next();
            return unary();
        }
        return operand();
    }

    private ConditionExpr operand() {
        Token t = next();
        if (t.isSymbol("(")) {
            ConditionExpr inner = expression();
            expectSymbol(")");
            return inner;
        }
        if (t.kind() == Token.Kind.STRING || t.kind() == Token.Kind.NUMBER) {
            return new ConditionExpr.Literal(literal(t));
        }
        if (t.kind() == Token.Kind.WORD) {
            if (t.isWord("true") || t.isWord("false") || t.isWord("null")) {
                return new ConditionExpr.Literal(literal(t));
            }
            if (peek().isSymbol("(")) {
                return call(t);
            }
            return property(t);
        }
        throw error(t, "expected a value, a property, $body or a function, found " + t.describe() + ".");
    }

    private ConditionExpr call(Token name) {
        String function = name.text().toUpperCase();
        if (!ConditionFunctions.exists(function)) {
            throw error(name, "unknown function '" + name.text() + "'.");
        }
        expectSymbol("(");
        List<ConditionExpr> args = new ArrayList<>();
        if (!peek().isSymbol(")")) {
            do {
                args.add(expression());
            } while (acceptSymbol(","));
        }
        expectSymbol(")");
        String problem = ConditionFunctions.arityProblem(function, args.size());
        if (problem != null) {
            throw error(name, problem);
        }
        return new ConditionExpr.Call(function, List.copyOf(args));
    }

    /** An application property, a {@code $} system property, or {@code $body} and a path into it. */
    private ConditionExpr property(Token first) {
        String name = first.text();
        if (RESERVED.contains(name.toUpperCase())) {
            throw error(first, "expected a property, found " + first.describe() + ".");
        }
        if (name.equalsIgnoreCase("$body")) {
            return new ConditionExpr.BodyPath(bodySteps());
        }
        if (name.equalsIgnoreCase("$twin")) {
            throw error(first, "$twin (routing on the device twin) is not supported by this hub; route on "
                    + "message properties and $body.");
        }
        if (name.startsWith("$")) {
            if (name.length() == 1) {
                throw error(first, "expected a system property name after '$'.");
            }
            return new ConditionExpr.SystemProperty(name.substring(1));
        }
        // Application property names may contain dots (they are flat strings): a.b names the property "a.b".
        StringBuilder full = new StringBuilder(name);
        while (peek().isSymbol(".")) {
            next();
            Token part = next();
            if (part.kind() != Token.Kind.WORD) {
                throw error(part, "expected a property name after '.', found " + part.describe() + ".");
            }
            full.append('.').append(part.text());
        }
        return new ConditionExpr.AppProperty(full.toString());
    }

    /** {@code (.name | [index] | ['name'])*} after {@code $body}. */
    private List<Object> bodySteps() {
        List<Object> steps = new ArrayList<>();
        while (true) {
            if (peek().isSymbol(".")) {
                next();
                Token name = next();
                if (name.kind() != Token.Kind.WORD) {
                    throw error(name, "expected a property name after '.', found " + name.describe() + ".");
                }
                steps.add(name.text());
            } else if (peek().isSymbol("[")) {
                next();
                Token key = next();
                if (key.kind() == Token.Kind.STRING) {
                    steps.add(key.text());
                } else if (key.kind() == Token.Kind.NUMBER && key.text().matches("\\d+")) {
                    steps.add(Integer.valueOf(key.text()));
                } else {
                    throw error(key, "expected an array index or a quoted name in [], found " + key.describe()
                            + ".");
                }
                expectSymbol("]");
            } else {
                return List.copyOf(steps);
            }
        }
    }

    private List<JsonNode> list() {
        expectSymbol("[");
        List<JsonNode> values = new ArrayList<>();
        if (!peek().isSymbol("]")) {
            do {
                boolean minus = acceptSymbol("-");
                JsonNode v = literal(next());
                values.add(minus ? negative(v) : v);
            } while (acceptSymbol(","));
        }
        expectSymbol("]");
        return List.copyOf(values);
    }

    private JsonNode literal(Token t) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (t.kind()) {
            case STRING -> json.textNode(t.text());
            case NUMBER -> json.numberNode(new BigDecimal(t.text()));
            case WORD -> {
                if (t.isWord("true") || t.isWord("false")) {
                    yield json.booleanNode(t.isWord("true"));
                }
                if (t.isWord("null")) {
                    yield json.nullNode();
                }
                throw error(t, "expected a literal value, found " + t.describe() + ".");
            }
            default -> throw error(t, "expected a literal value, found " + t.describe() + ".");
        };
    }

    private JsonNode negative(JsonNode number) {
        if (!number.isNumber()) {
            throw new QuerySyntaxError(tokens.get(at - 1).position(), "only a number can follow '-' in a list.");
        }
        return JsonNodeFactory.instance.numberNode(number.decimalValue().negate());
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.END) {
            at++;
        }
        return t;
    }

    private boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            next();
            return true;
        }
        return false;
    }

    private void expectSymbol(String symbol) {
        Token t = next();
        if (!t.isSymbol(symbol)) {
            throw error(t, "expected '" + symbol + "', found " + t.describe() + ".");
        }
    }

    private static QuerySyntaxError error(Token t, String detail) {
        return new QuerySyntaxError(t.position(), detail);
    }
}
