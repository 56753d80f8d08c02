package dev.muster.hub.query;

/** A query the hub cannot parse or run, naming the 1-based character position where it went wrong. */
public final class QuerySyntaxError extends RuntimeException {
    private final int position;

    public QuerySyntaxError(int position, String detail) {
        super("The query is invalid at position " + position + ": " + detail);
        this.position = position;
    }

    /** 1-based index of the offending character in the query text. */
    public int position() {
        return position;
    }
}
