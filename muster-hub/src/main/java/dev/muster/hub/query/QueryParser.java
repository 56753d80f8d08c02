package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of IoT Hub's registry query language (the subset back ends use on device and module
 * twins). Keywords and function names are case-insensitive; precedence is NOT over AND over OR.
 */
public final class QueryParser {
    static final Set<String> FUNCTIONS = Set.of("IS_DEFINED", "IS_NULL", "IS_STRING", "IS_NUMBER", "IS_BOOL",
            "IS_OBJECT", "IS_ARRAY", "IS_PRIMITIVE", "STARTSWITH", "ENDSWITH");
    private static final Set<String> TWO_ARGUMENTS = Set.of("STARTSWITH", "ENDSWITH");
    private static final Set<String> COMPARISONS = Set.of("=", "!=", "<>", "<", "<=", ">", ">=");
    private static final Set<String> RESERVED = Set.of("SELECT", "FROM", "WHERE", "GROUP", "BY", "AND", "OR", "NOT",
            "IN", "NIN", "AS", "TOP");

    private final TokenCursor cursor;

    private QueryParser(String text) {
        this.cursor = new TokenCursor(QueryLexer.tokens(text));
    }

    public static RegistryQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new QuerySyntaxError(1, "the query is empty.");
        }
        return new QueryParser(text).query();
    }

    private RegistryQuery query() {
        cursor.expectWord("SELECT");
        Integer top = null;
        if (cursor.peek().isWord("TOP")) {
            cursor.next();
            Token n = cursor.next();
            if (n.kind() != Token.Kind.NUMBER || !n.text().matches("\\d+")) {
                throw TokenCursor.error(n, "TOP needs a whole number, not " + n.describe() + ".");
            }
            top = Integer.valueOf(n.text());
        }
        boolean all = false;
        List<RegistryQuery.SelectItem> items = new ArrayList<>();
        if (cursor.peek().isSymbol("*")) {
            cursor.next();
            all = true;
        } else {
            do {
                items.add(selectItem());
            } while (cursor.acceptSymbol(","));
        }
        cursor.expectWord("FROM");
        QuerySource source = source();
        Expr where = null;
        if (cursor.peek().isWord("WHERE")) {
            cursor.next();
            where = expression();
        }
        List<Expr.Path> groupBy = new ArrayList<>();
        if (cursor.peek().isWord("GROUP")) {
            cursor.next();
            cursor.expectWord("BY");
            do {
                groupBy.add(path(cursor.next()));
            } while (cursor.acceptSymbol(","));
        }
        cursor.expectEnd();
        RegistryQuery q = new RegistryQuery(all, List.copyOf(items), source, where, List.copyOf(groupBy), top);
        checkAggregates(q);
        return q;
    }

    /** In a COUNT() or GROUP BY query every selected path must be grouped on, and SELECT * makes no sense. */
    private static void checkAggregates(RegistryQuery q) {
        if (!q.aggregates()) {
            return;
        }
        if (q.selectAll()) {
            throw new QuerySyntaxError(q.groupBy().get(0).position(), "GROUP BY cannot be used with SELECT *.");
        }
        for (RegistryQuery.SelectItem item : q.items()) {
            if (!item.count() && q.groupBy().stream().noneMatch(g -> g.names().equals(item.path().names()))) {
                throw new QuerySyntaxError(item.path().position(), "'" + String.join(".", item.path().names())
                        + "' must appear in GROUP BY when the query counts.");
            }
        }
    }

    private RegistryQuery.SelectItem selectItem() {
        Token t = cursor.next();
        RegistryQuery.SelectItem item;
        if (t.isWord("COUNT") && cursor.peek().isSymbol("(")) {
            cursor.next();
            cursor.expectSymbol(")");
            item = new RegistryQuery.SelectItem(null, true, alias());
        } else {
            item = new RegistryQuery.SelectItem(path(t), false, alias());
        }
        return item;
    }

    private String alias() {
        if (!cursor.peek().isWord("AS")) {
            return null;
        }
        cursor.next();
        Token name = cursor.next();
        if (name.kind() != Token.Kind.WORD || RESERVED.contains(name.text().toUpperCase())) {
            throw TokenCursor.error(name, "expected a name after AS, found " + name.describe() + ".");
        }
        return name.text();
    }

    private QuerySource source() {
        Token t = cursor.next();
        if (!t.isWord("devices")) {
            throw TokenCursor.error(t, "expected 'devices' or 'devices.modules' after FROM, found " + t.describe() + ".");
        }
        if (!cursor.acceptSymbol(".")) {
            return QuerySource.DEVICES;
        }
        Token sub = cursor.next();
        if (sub.isWord("modules")) {
            return QuerySource.MODULES;
        }
        throw TokenCursor.error(sub, "expected 'modules' after 'devices.', found " + sub.describe() + ".");
    }

    private Expr expression() {
        return cursor.chain("OR", this::conjunction, Expr.Or::new);
    }

    private Expr conjunction() {
        return cursor.chain("AND", this::negation, Expr.And::new);
    }

    private Expr negation() {
        if (cursor.peek().isWord("NOT")) {
            cursor.next();
            return new Expr.Not(negation());
        }
        return predicate();
    }

    private Expr predicate() {
        Expr left = operand();
        Token t = cursor.peek();
        if (t.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(t.text())) {
            cursor.next();
            return new Expr.Compare(t.text(), left, operand());
        }
        if (t.isWord("IN") || t.isWord("NIN")) {
            cursor.next();
            return new Expr.In(left, cursor.literalList(), t.isWord("NIN"));
        }
        if (t.isWord("NOT") && cursor.peek(1).isWord("IN")) {
            cursor.next();
            cursor.next();
            return new Expr.In(left, cursor.literalList(), true);
        }
        return left;
    }

    private Expr operand() {
        Token t = cursor.next();
        if (t.isSymbol("(")) {
            Expr inner = expression();
            cursor.expectSymbol(")");
            return inner;
        }
        JsonNode literal = TokenCursor.literalOrNull(t);
        if (literal != null) {
            return new Expr.Literal(literal);
        }
        if (t.kind() == Token.Kind.WORD) {
            if (cursor.peek().isSymbol("(")) {
                return call(t);
            }
            return path(t);
        }
        throw TokenCursor.error(t, "expected a value, a property path or a function, found " + t.describe() + ".");
    }

    private Expr call(Token name) {
        String function = name.text().toUpperCase();
        if (!FUNCTIONS.contains(function)) {
            throw TokenCursor.error(name, "unknown function '" + name.text() + "'.");
        }
        List<Expr> args = cursor.arguments(this::expression);
        int wanted = TWO_ARGUMENTS.contains(function) ? 2 : 1;
        if (args.size() != wanted) {
            throw TokenCursor.error(name, function + " takes " + wanted + " argument" + (wanted == 1 ? "" : "s") + ", not "
                    + args.size() + ".");
        }
        return new Expr.Call(function, args);
    }

    /** {@code name(.name | ['name'])*}. */
    private Expr.Path path(Token first) {
        if (first.kind() != Token.Kind.WORD || RESERVED.contains(first.text().toUpperCase())) {
            throw TokenCursor.error(first, "expected a property path, found " + first.describe() + ".");
        }
        List<String> names = new ArrayList<>();
        names.add(first.text());
        while (true) {
            if (cursor.peek().isSymbol(".")) {
                cursor.next();
                Token name = cursor.next();
                if (name.kind() != Token.Kind.WORD) {
                    throw TokenCursor.error(name, "expected a property name after '.', found " + name.describe() + ".");
                }
                names.add(name.text());
            } else if (cursor.peek().isSymbol("[")) {
                cursor.next();
                Token name = cursor.next();
                if (name.kind() != Token.Kind.STRING) {
                    throw TokenCursor.error(name, "expected a quoted property name in [], found " + name.describe() + ".");
                }
                cursor.expectSymbol("]");
                names.add(name.text());
            } else {
                return new Expr.Path(List.copyOf(names), first.position());
            }
        }
    }
}
