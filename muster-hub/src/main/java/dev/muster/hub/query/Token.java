package dev.muster.hub.query;

/** One lexical token of a registry query or route condition; {@code position} is 1-based. */
public record Token(Kind kind, String text, int position) {
    public enum Kind { WORD, STRING, NUMBER, SYMBOL, END }

    public boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    public boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    public String describe() {
        return switch (kind) {
            case END -> "the end of the query";
            case STRING -> "string '" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
