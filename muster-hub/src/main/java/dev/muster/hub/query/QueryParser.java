package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
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

    private final List<Token> tokens;
    private int at;

    private QueryParser(String text) {
        this.tokens = QueryLexer.tokens(text);
    }

    public static RegistryQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new QuerySyntaxError(1, "the query is empty.");
        }
        return new QueryParser(text).query();
    }

    private RegistryQuery query() {
        expectWord("SELECT");
        Integer top = null;
        if (peek().isWord("TOP")) {
            next();
            Token n = next();
            if (n.kind() != Token.Kind.NUMBER || !n.text().matches("\\d+")) {
                throw error(n, "TOP needs a whole number, not " + n.describe() + ".");
            }
            top = Integer.valueOf(n.text());
        }
        boolean all = false;
        List<RegistryQuery.SelectItem> items = new ArrayList<>();
        if (peek().isSymbol("*")) {
            next();
            all = true;
        } else {
            do {
                items.add(selectItem());
            } while (acceptSymbol(","));
        }
        expectWord("FROM");
        QuerySource source = source();
        Expr where = null;
        if (peek().isWord("WHERE")) {
            next();
            where = expression();
        }
        List<Expr.Path> groupBy = new ArrayList<>();
        if (peek().isWord("GROUP")) {
            next();
            expectWord("BY");
            do {
                groupBy.add(path(next()));
            } while (acceptSymbol(","));
        }
        Token end = peek();
        if (end.kind() != Token.Kind.END) {
            throw error(end, "unexpected " + end.describe() + ".");
        }
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
        Token t = next();
        RegistryQuery.SelectItem item;
        if (t.isWord("COUNT") && peek().isSymbol("(")) {
            next();
            expectSymbol(")");
            item = new RegistryQuery.SelectItem(null, true, alias());
        } else {
            item = new RegistryQuery.SelectItem(path(t), false, alias());
        }
        return item;
    }

    private String alias() {
        if (!peek().isWord("AS")) {
            return null;
        }
        next();
        Token name = next();
        if (name.kind() != Token.Kind.WORD || RESERVED.contains(name.text().toUpperCase())) {
            throw error(name, "expected a name after AS, found " + name.describe() + ".");
        }
        return name.text();
    }

    private QuerySource source() {
        Token t = next();
        if (!t.isWord("devices")) {
            throw error(t, "expected 'devices' or 'devices.modules' after FROM, found " + t.describe() + ".");
        }
        if (!acceptSymbol(".")) {
            return QuerySource.DEVICES;
        }
        Token sub = next();
        if (sub.isWord("modules")) {
            return QuerySource.MODULES;
        }
        throw error(sub, "expected 'modules' after 'devices.', found " + sub.describe() + ".");
    }

    private Expr expression() {
        Expr left = conjunction();
        while (peek().isWord("OR")) {
            next();
            left = new Expr.Or(left, conjunction());
        }
        return left;
    }

    private Expr conjunction() {
        Expr left = negation();
        while (peek().isWord("AND")) {
            next();
            left = new Expr.And(left, negation());
        }
        return left;
    }

    private Expr negation() {
        if (peek().isWord("NOT")) {
            next();
            return new Expr.Not(negation());
        }
        return predicate();
    }

    private Expr predicate() {
        Expr left = operand();
        Token t = peek();
        if (t.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(t.text())) {
            next();
            return new Expr.Compare(t.text(), left, operand());
        }
        if (t.isWord("IN") || t.isWord("NIN")) {
            next();
            return new Expr.In(left, list(), t.isWord("NIN"));
        }
        if (t.isWord("NOT") && tokens.get(at + 1).isWord("IN")) {
            next();
            next();
            return new Expr.In(left, list(), true);
        }
        return left;
    }

    private Expr operand() {
        Token t = next();
        if (t.isSymbol("(")) {
            Expr inner = expression();
            expectSymbol(")");
            return inner;
        }
        if (t.kind() == Token.Kind.STRING || t.kind() == Token.Kind.NUMBER) {
            return new Expr.Literal(literal(t));
        }
        if (t.kind() == Token.Kind.WORD) {
            if (t.isWord("true") || t.isWord("false") || t.isWord("null")) {
                return new Expr.Literal(literal(t));
            }
            if (peek().isSymbol("(")) {
                return call(t);
            }
            return path(t);
        }
        throw error(t, "expected a value, a property path or a function, found " + t.describe() + ".");
    }

    private Expr call(Token name) {
        String function = name.text().toUpperCase();
        if (!FUNCTIONS.contains(function)) {
            throw error(name, "unknown function '" + name.text() + "'.");
        }
        expectSymbol("(");
        List<Expr> args = new ArrayList<>();
        if (!peek().isSymbol(")")) {
            do {
                args.add(expression());
            } while (acceptSymbol(","));
        }
        expectSymbol(")");
        int wanted = TWO_ARGUMENTS.contains(function) ? 2 : 1;
        if (args.size() != wanted) {
            throw error(name, function + " takes " + wanted + " argument" + (wanted == 1 ? "" : "s") + ", not "
                    + args.size() + ".");
        }
        return new Expr.Call(function, List.copyOf(args));
    }

    private List<JsonNode> list() {
        expectSymbol("[");
        List<JsonNode> values = new ArrayList<>();
        if (!peek().isSymbol("]")) {
            do {
                values.add(literal(next()));
            } while (acceptSymbol(","));
        }
        expectSymbol("]");
        return List.copyOf(values);
    }

    private JsonNode literal(Token t) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (t.kind()) {
            case STRING -> json.textNode(t.text());
            case NUMBER -> number(t.text());
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

    private static JsonNode number(String text) {
        BigDecimal d = new BigDecimal(text);
        try {
            return JsonNodeFactory.instance.numberNode(d.longValueExact());
        } catch (ArithmeticException notWhole) {
            return JsonNodeFactory.instance.numberNode(d.doubleValue());
        }
    }

    /** {@code name(.name | ['name'])*}. */
    private Expr.Path path(Token first) {
        if (first.kind() != Token.Kind.WORD || RESERVED.contains(first.text().toUpperCase())) {
            throw error(first, "expected a property path, found " + first.describe() + ".");
        }
        List<String> names = new ArrayList<>();
        names.add(first.text());
        while (true) {
            if (peek().isSymbol(".")) {
                next();
                Token name = next();
                if (name.kind() != Token.Kind.WORD) {
                    throw error(name, "expected a property name after '.', found " + name.describe() + ".");
                }
                names.add(name.text());
            } else if (peek().isSymbol("[")) {
                next();
                Token name = next();
                if (name.kind() != Token.Kind.STRING) {
                    throw error(name, "expected a quoted property name in [], found " + name.describe() + ".");
                }
                expectSymbol("]");
                names.add(name.text());
            } else {
                return new Expr.Path(List.copyOf(names), first.position());
            }
        }
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

    private void expectWord(String keyword) {
        Token t = next();
        if (!t.isWord(keyword)) {
            throw error(t, "expected " + keyword + ", found " + t.describe() + ".");
        }
    }

    private static QuerySyntaxError error(Token t, String detail) {
        return new QuerySyntaxError(t.position(), detail);
    }
}
