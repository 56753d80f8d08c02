package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Walks the tokens of a registry query or a route condition for a recursive-descent parser: look-ahead, the
 * punctuation and literals both languages share, and errors that name the token's position.
 */
public final class TokenCursor {
    private final List<Token> tokens;
    private int at;

    public TokenCursor(List<Token> tokens) {
        this.tokens = tokens;
    }

    public Token peek() {
        return tokens.get(at);
    }

    /** The token {@code ahead} places after the next one (the END token when past the end). */
    public Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    public Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.END) {
            at++;
        }
        return t;
    }

    public boolean acceptSymbol(String symbol) {
        if (peek().isSymbol(symbol)) {
            next();
            return true;
        }
        return false;
    }

    public void expectSymbol(String symbol) {
        Token t = next();
        if (!t.isSymbol(symbol)) {
            throw error(t, "expected '" + symbol + "', found " + t.describe() + ".");
        }
    }

    public void expectWord(String keyword) {
        Token t = next();
        if (!t.isWord(keyword)) {
            throw error(t, "expected " + keyword + ", found " + t.describe() + ".");
        }
    }

    /**
     * {@code operand (KEYWORD operand)*}, joined left to right: how both languages read their OR and AND chains.
     */
    public <T> T chain(String keyword, Supplier<T> operand, java.util.function.BinaryOperator<T> join) {
        T left = operand.get();
        while (peek().isWord(keyword)) {
            next();
            left = join.apply(left, operand.get());
        }
        return left;
    }

    /** Fails unless every token was read. */
    public void expectEnd() {
        Token end = peek();
        if (end.kind() != Token.Kind.END) {
            throw error(end, "unexpected " + end.describe() + ".");
        }
    }

    /** {@code ( a, b, … )}: a function's arguments, each read by {@code argument}. */
    public <T> List<T> arguments(Supplier<T> argument) {
        expectSymbol("(");
        List<T> args = new ArrayList<>();
        if (!peek().isSymbol(")")) {
            do {
                args.add(argument.get());
            } while (acceptSymbol(","));
        }
        expectSymbol(")");
        return List.copyOf(args);
    }

    /** {@code [literal, …]}, as after IN; a {@code -} before a number (route conditions lex it apart) negates it. */
    public List<JsonNode> literalList() {
        expectSymbol("[");
        List<JsonNode> values = new ArrayList<>();
        if (!peek().isSymbol("]")) {
            do {
                boolean minus = acceptSymbol("-");
                Token t = next();
                JsonNode v = literal(t);
                if (minus && !v.isNumber()) {
                    throw error(t, "only a number can follow '-'.");
                }
                values.add(minus ? negative(v) : v);
            } while (acceptSymbol(","));
        }
        expectSymbol("]");
        return List.copyOf(values);
    }

    /** The token as JSON when it is a literal (string, number, true, false, null), else null. */
    public static JsonNode literalOrNull(Token t) {
        boolean word = t.isWord("true") || t.isWord("false") || t.isWord("null");
        return t.kind() == Token.Kind.STRING || t.kind() == Token.Kind.NUMBER || word ? literal(t) : null;
    }

    /** A string, number, {@code true}, {@code false} or {@code null} token as JSON. */
    public static JsonNode literal(Token t) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (t.kind()) {
            case STRING -> json.textNode(t.text());
            case NUMBER -> number(new BigDecimal(t.text()));
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

    public static JsonNode negative(JsonNode number) {
        return number(number.decimalValue().negate());
    }

    /** Whole numbers as longs, others as doubles: how the hub's JSON holds them, so they compare alike. */
    private static JsonNode number(BigDecimal d) {
        try {
            return JsonNodeFactory.instance.numberNode(d.longValueExact());
        } catch (ArithmeticException notWhole) {
            return JsonNodeFactory.instance.numberNode(d.doubleValue());
        }
    }

    public static QuerySyntaxError error(Token t, String detail) {
        return new QuerySyntaxError(t.position(), detail);
    }
}
