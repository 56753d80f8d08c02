package dev.muster.hub.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.hub.query.QueryLexer;
import dev.muster.hub.query.QuerySyntaxError;
import dev.muster.hub.query.Token;
import dev.muster.hub.query.TokenCursor;
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

    private final TokenCursor cursor;

    private RouteConditionParser(String text) {
        this.cursor = new TokenCursor(QueryLexer.arithmeticTokens(text));
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
        p.cursor.expectEnd();
        return e;
    }

    private ConditionExpr expression() {
        return cursor.chain("OR", this::conjunction, ConditionExpr.Or::new);
    }

    private ConditionExpr conjunction() {
        return cursor.chain("AND", this::negation, ConditionExpr.And::new);
    }

    private ConditionExpr negation() {
        if (cursor.peek().isWord("NOT")) {
            cursor.next();
            return new ConditionExpr.Not(negation());
        }
        return predicate();
    }

    private ConditionExpr predicate() {
        ConditionExpr left = additive();
        Token t = cursor.peek();
        if (t.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(t.text())) {
            cursor.next();
            return new ConditionExpr.Compare(t.text(), left, additive());
        }
        if (t.isWord("IN")) {
            cursor.next();
            return new ConditionExpr.In(left, cursor.literalList(), false);
        }
        if (t.isWord("NOT") && cursor.peek(1).isWord("IN")) {
            cursor.next();
            cursor.next();
            return new ConditionExpr.In(left, cursor.literalList(), true);
        }
        return left;
    }

    private ConditionExpr additive() {
        ConditionExpr left = multiplicative();
        while (cursor.peek().isSymbol("+") || cursor.peek().isSymbol("-")) {
            char op = cursor.next().text().charAt(0);
            left = new ConditionExpr.Arithmetic(op, left, multiplicative());
        }
        return left;
    }

    private ConditionExpr multiplicative() {
        ConditionExpr left = unary();
        while (cursor.peek().isSymbol("*") || cursor.peek().isSymbol("/") || cursor.peek().isSymbol("%")) {
            char op = cursor.next().text().charAt(0);
            left = new ConditionExpr.Arithmetic(op, left, unary());
        }
        return left;
    }

    private ConditionExpr unary() {
        if (cursor.peek().isSymbol("-")) {
            cursor.next();
            ConditionExpr operand = unary();
            return operand instanceof ConditionExpr.Literal l && l.value().isNumber()
                    ? new ConditionExpr.Literal(TokenCursor.negative(l.value())) : new ConditionExpr.Negate(operand);
        }
        if (cursor.peek().isSymbol("+")) {
            cursor.next();
            return unary();
        }
        return operand();
    }

    private ConditionExpr operand() {
        Token t = cursor.next();
        if (t.isSymbol("(")) {
            ConditionExpr inner = expression();
            cursor.expectSymbol(")");
            return inner;
        }
        JsonNode literal = TokenCursor.literalOrNull(t);
        if (literal != null) {
            return new ConditionExpr.Literal(literal);
        }
        if (t.kind() == Token.Kind.WORD) {
            if (cursor.peek().isSymbol("(")) {
                return call(t);
            }
            return property(t);
        }
        throw TokenCursor.error(t, "expected a value, a property, $body or a function, found " + t.describe() + ".");
    }

    private ConditionExpr call(Token name) {
        String function = name.text().toUpperCase();
        if (!ConditionFunctions.exists(function)) {
            throw TokenCursor.error(name, "unknown function '" + name.text() + "'.");
        }
        List<ConditionExpr> args = cursor.arguments(this::expression);
        String problem = ConditionFunctions.arityProblem(function, args.size());
        if (problem != null) {
            throw TokenCursor.error(name, problem);
        }
        return new ConditionExpr.Call(function, args);
    }

    /** An application property, a {@code $} system property, or {@code $body} and a path into it. */
    private ConditionExpr property(Token first) {
        String name = first.text();
        if (RESERVED.contains(name.toUpperCase())) {
            throw TokenCursor.error(first, "expected a property, found " + first.describe() + ".");
        }
        if (name.equalsIgnoreCase("$body")) {
            return new ConditionExpr.BodyPath(bodySteps());
        }
        if (name.equalsIgnoreCase("$twin")) {
            throw TokenCursor.error(first, "$twin (routing on the device twin) is not supported by this hub; route on "
                    + "message properties and $body.");
        }
        if (name.startsWith("$")) {
            if (name.length() == 1) {
                throw TokenCursor.error(first, "expected a system property name after '$'.");
            }
            return new ConditionExpr.SystemProperty(name.substring(1));
        }
        // Application property names may contain dots (they are flat strings): a.b names the property "a.b".
        StringBuilder full = new StringBuilder(name);
        while (cursor.peek().isSymbol(".")) {
            cursor.next();
            Token part = cursor.next();
            if (part.kind() != Token.Kind.WORD) {
                throw TokenCursor.error(part, "expected a property name after '.', found " + part.describe() + ".");
            }
            full.append('.').append(part.text());
        }
        return new ConditionExpr.AppProperty(full.toString());
    }

    /** {@code (.name | [index] | ['name'])*} after {@code $body}. */
    private List<Object> bodySteps() {
        List<Object> steps = new ArrayList<>();
        while (true) {
            if (cursor.peek().isSymbol(".")) {
                cursor.next();
                Token name = cursor.next();
                if (name.kind() != Token.Kind.WORD) {
                    throw TokenCursor.error(name, "expected a property name after '.', found " + name.describe() + ".");
                }
                steps.add(name.text());
            } else if (cursor.peek().isSymbol("[")) {
                cursor.next();
                Token key = cursor.next();
                if (key.kind() == Token.Kind.STRING) {
                    steps.add(key.text());
                } else if (key.kind() == Token.Kind.NUMBER && key.text().matches("\\d+")) {
                    steps.add(Integer.valueOf(key.text()));
                } else {
                    throw TokenCursor.error(key, "expected an array index or a quoted name in [], found " + key.describe()
                            + ".");
                }
                cursor.expectSymbol("]");
            } else {
                return List.copyOf(steps);
            }
        }
    }
}
