package dev.muster.hub.query;

import java.util.List;

/**
 * A parsed registry query: {@code SELECT [TOP n] (* | item, …) FROM devices|devices.modules [WHERE …] [GROUP BY …]}.
 *
 * @param selectAll  {@code SELECT *}: items are the whole documents
 * @param items      the SELECT list otherwise
 * @param where      null when there is no WHERE clause
 * @param groupBy    empty when there is no GROUP BY
 * @param top        null when there is no TOP
 */
public record RegistryQuery(boolean selectAll, List<SelectItem> items, QuerySource source, Expr where,
                            List<Expr.Path> groupBy, Integer top) {

    /** One SELECT item: a path or {@code COUNT()}, named by its alias or (paths) by the last name of the path. */
    public record SelectItem(Expr.Path path, boolean count, String alias) {
        String name() {
            return alias != null ? alias : count ? "$1" : path.lastName();
        }
    }

    /** A COUNT() query: its items are groups (one group without GROUP BY), not documents. */
    public boolean aggregates() {
        return !groupBy.isEmpty() || items.stream().anyMatch(SelectItem::count);
    }
}
