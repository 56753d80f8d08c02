package dev.muster.hub.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a registry query (or a route condition) into tokens: words (keywords, names — letters, digits, {@code _} and
 * {@code $}), quoted strings (single or double quotes, backslash escapes), numbers, and the operators and punctuation
 * of the language.
 */
public final class QueryLexer {
    private static final List<String> SYMBOLS = List.of("<=", ">=", "<>", "!=", "=", "<", ">", "(", ")", "[", "]",
            ",", ".", "*");
    private static final List<String> ARITHMETIC_SYMBOLS = List.of("<=", ">=", "<>", "!=", "=", "<", ">", "(", ")",
            "[", "]", ",", ".", "*", "+", "-", "/", "%");

    private final String text;
    private final boolean arithmetic;
    private int i;

    private QueryLexer(String text, boolean arithmetic) {
        this.text = text;
        this.arithmetic = arithmetic;
    }

    static List<Token> tokens(String text) {
        return new QueryLexer(text, false).run();
    }

    /**
     * The tokens of a route condition: {@code + - / %} are operators (so a sign is never part of a number: the parser
     * reads unary minus), and a {@code $} name may contain {@code -}, as {@code $iothub-enqueuedtime} does.
     */
    public static List<Token> arithmeticTokens(String text) {
        return new QueryLexer(text, true).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                out.add(new Token(Token.Kind.END, "", text.length() + 1));
                return out;
            }
            out.add(next());
        }
    }

    private Token next() {
        char c = text.charAt(i);
        int start = i;
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (Character.isDigit(c) || !arithmetic && (c == '-' || c == '+') && i + 1 < text.length()
                && (Character.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == '.')) {
            return number();
        }
        if (isWordStart(c)) {
            boolean system = arithmetic && c == '$';
            while (i < text.length() && (isWordPart(text.charAt(i)) || system && text.charAt(i) == '-')) {
                i++;
            }
            return new Token(Token.Kind.WORD, text.substring(start, i), start + 1);
        }
        for (String s : arithmetic ? ARITHMETIC_SYMBOLS : SYMBOLS) {
            if (text.startsWith(s, i)) {
                i += s.length();
                return new Token(Token.Kind.SYMBOL, s, start + 1);
            }
        }
        throw new QuerySyntaxError(start + 1, "unexpected character '" + c + "'.");
    }

    private Token string(char quote) {
        int start = i++;
        StringBuilder value = new StringBuilder();
        while (i < text.length()) {
            char c = text.charAt(i++);
            if (c == quote) {
                return new Token(Token.Kind.STRING, value.toString(), start + 1);
            }
            if (c == '\\' && i < text.length()) {
                char e = text.charAt(i++);
                value.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                value.append(c);
            }
        }
        throw new QuerySyntaxError(start + 1, "the string starting here is not closed.");
    }

    private Token number() {
        int start = i;
        if (text.charAt(i) == '-' || text.charAt(i) == '+') {
            i++;
        }
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            int mark = i++;
            if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            if (i >= text.length() || !Character.isDigit(text.charAt(i))) {
                i = mark;
            }
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
        }
        String n = text.substring(start, i);
        try {
            new java.math.BigDecimal(n);
        } catch (NumberFormatException e) {
            throw new QuerySyntaxError(start + 1, "'" + n + "' is not a number.");
        }
        if (i < text.length() && isWordPart(text.charAt(i))) {
            throw new QuerySyntaxError(i + 1, "unexpected character '" + text.charAt(i) + "' after number " + n + ".");
        }
        return new Token(Token.Kind.NUMBER, n, start + 1);
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
