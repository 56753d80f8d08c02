package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The expressions of a registry query's WHERE clause and SELECT list. */
sealed interface Expr {
    /** A JSON literal: string, number, true, false or null. */
    record Literal(JsonNode value) implements Expr {}

    /** A property path into the document, e.g. {@code properties.reported.fw}. */
    record Path(List<String> names, int position) implements Expr {
        String lastName() {
            return names.get(names.size() - 1);
        }
    }

    /** {@code =, !=, <>, <, <=, >, >=}. */
    record Compare(String operator, Expr left, Expr right) implements Expr {}

    record And(Expr left, Expr right) implements Expr {}

    record Or(Expr left, Expr right) implements Expr {}

    record Not(Expr operand) implements Expr {}

    /** {@code x IN [..]}, or {@code x NIN [..]} / {@code x NOT IN [..]} when {@code negated}. */
    record In(Expr value, List<JsonNode> candidates, boolean negated) implements Expr {}

    /** A built-in function such as {@code IS_DEFINED} or {@code STARTSWITH}; name upper-cased. */
    record Call(String function, List<Expr> arguments) implements Expr {}
}
