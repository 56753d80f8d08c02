package dev.muster.hub.query;

import java.util.List;

/**
 * Where a query reads its documents from: one collection (device twins, module twins) of one hub, in a stable key
 * order so a continuation can resume after the last key it saw.
 */
@FunctionalInterface
public interface QueryRows {
    /** No documents (a collection the hub does not hold yet). */
    QueryRows NONE = (afterKey, limit) -> List.of();

    /** Up to {@code limit} rows whose keys sort after {@code afterKey} (null = from the first), in key order. */
    List<QueryRow> after(String afterKey, int limit);
}
