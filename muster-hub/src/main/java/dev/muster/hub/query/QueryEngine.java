package dev.muster.hub.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed registry query over a row source, one page at a time. Document queries stream the rows in key order
 * and stop as soon as the page is full (reading one match ahead, so a continuation is only handed out when another
 * item exists); COUNT()/GROUP BY queries read the whole collection and page over the groups.
 */
public final class QueryEngine {
    /** Rows read from the source per batch while filtering. */
    static final int SCAN_BATCH = 200;

    private QueryEngine() {}

    /**
     * @param pageSize     items per page (≥ 1)
     * @param continuation the token of the previous page, or null for the first
     * @throws IllegalArgumentException for a continuation token this hub did not issue
     */
    public static QueryPage page(RegistryQuery query, QueryRows rows, int pageSize, String continuation) {
        QueryContinuation from = QueryContinuation.decode(continuation);
        return query.aggregates() ? groups(query, rows, pageSize, from) : documents(query, rows, pageSize, from);
    }

    private static QueryPage documents(RegistryQuery q, QueryRows rows, int pageSize, QueryContinuation from) {
        int wanted = q.top() == null ? pageSize : Math.min(pageSize, q.top() - from.returned());
        if (wanted <= 0) {
            return new QueryPage(List.of(), null);
        }
        List<JsonNode> items = new ArrayList<>();
        String lastKey = null;
        String after = from.afterKey();
        boolean more = false;
        scan:
        while (true) {
            List<QueryRow> batch = rows.after(after, SCAN_BATCH);
            for (QueryRow row : batch) {
                if (!QueryEvaluator.selects(q.where(), row.document(), q.source())) {
                    continue;
                }
                if (items.size() == wanted) {
                    more = true;
                    break scan;
                }
                items.add(project(q, row.document()));
                lastKey = row.key();
            }
            if (batch.size() < SCAN_BATCH) {
                break;
            }
            after = batch.get(batch.size() - 1).key();
        }
        int returned = from.returned() + items.size();
        boolean topReached = q.top() != null && returned >= q.top();
        String next = more && !topReached ? new QueryContinuation(lastKey, returned, 0).encode() : null;
        return new QueryPage(items, next);
    }

    private static JsonNode project(RegistryQuery q, ObjectNode doc) {
        if (q.selectAll()) {
            return doc;
        }
        ObjectNode out = Json.object();
        for (RegistryQuery.SelectItem item : q.items()) {
            JsonNode v = QueryEvaluator.resolve(item.path(), doc, q.source());
            if (v != null) {
                out.set(item.name(), v);
            }
        }
        return out;
    }

    private static QueryPage groups(RegistryQuery q, QueryRows rows, int pageSize, QueryContinuation from) {
        Map<List<JsonNode>, long[]> counts = new LinkedHashMap<>();
        String after = null;
        while (true) {
            List<QueryRow> batch = rows.after(after, SCAN_BATCH);
            for (QueryRow row : batch) {
                if (QueryEvaluator.selects(q.where(), row.document(), q.source())) {
                    List<JsonNode> key = new ArrayList<>();
                    for (Expr.Path g : q.groupBy()) {
                        key.add(QueryEvaluator.resolve(g, row.document(), q.source()));
                    }
                    counts.computeIfAbsent(key, k -> new long[1])[0]++;
                }
            }
            if (batch.size() < SCAN_BATCH) {
                break;
            }
            after = batch.get(batch.size() - 1).key();
        }
        if (q.groupBy().isEmpty() && counts.isEmpty()) {
            counts.put(List.of(), new long[1]);
        }
        List<JsonNode> all = new ArrayList<>();
        counts.forEach((key, n) -> all.add(group(q, key, n[0])));
        int end = q.top() == null ? all.size() : Math.min(all.size(), q.top());
        int start = Math.min(from.groupOffset(), end);
        int stop = Math.min(end, start + pageSize);
        String next = stop < end ? new QueryContinuation(null, 0, stop).encode() : null;
        return new QueryPage(List.copyOf(all.subList(start, stop)), next);
    }

    private static JsonNode group(RegistryQuery q, List<JsonNode> key, long count) {
        ObjectNode out = Json.object();
        for (RegistryQuery.SelectItem item : q.items()) {
            if (item.count()) {
                // as an int when it fits, as a JSON reader would give it back
                if (count <= Integer.MAX_VALUE) {
                    out.put(item.name(), (int) count);
                } else {
                    out.put(item.name(), count);
                }
                continue;
            }
            for (int i = 0; i < q.groupBy().size(); i++) {
                if (q.groupBy().get(i).names().equals(item.path().names()) && key.get(i) != null) {
                    out.set(item.name(), key.get(i));
                }
            }
        }
        return out;
    }
}
