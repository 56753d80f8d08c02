package dev.muster.hub.query;

/** One lexical token of a registry query; {@code position} is 1-based. */
record Token(Kind kind, String text, int position) {
    enum Kind { WORD, STRING, NUMBER, SYMBOL, END }

    boolean isWord(String keyword) {
        return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    String describe() {
        return switch (kind) {
            case END -> "the end of the query";
            case STRING -> "string '" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
