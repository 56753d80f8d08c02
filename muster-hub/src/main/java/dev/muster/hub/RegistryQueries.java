package dev.muster.hub;

import dev.muster.core.hub.HubStore;
import dev.muster.hub.query.QueryEngine;
import dev.muster.hub.query.QueryPage;
import dev.muster.hub.query.QueryParser;
import dev.muster.hub.query.QueryRow;
import dev.muster.hub.query.QueryRows;
import dev.muster.hub.query.QuerySource;
import dev.muster.hub.query.QuerySyntaxError;
import dev.muster.hub.query.RegistryQuery;
import java.util.function.Function;

/**
 * {@code POST /devices/query}: IoT Hub's query language over a hub's device twins (read from the store page by page,
 * rendered as {@code GET /twins/{id}} renders them) and module twins (from {@code moduleTwins}, per hub).
 */
public final class RegistryQueries {
    /** IoT Hub's page size when {@code x-ms-max-item-count} is absent, and the most it returns in one page. */
    public static final int DEFAULT_PAGE = 100;
    public static final int MAX_PAGE = 1000;

    private final HubStore store;
    private final DeviceView view;
    private final Function<String, QueryRows> moduleTwins;

    /**
     * @param view        how devices are shown (their connection state), so queries see what GET shows
     * @param moduleTwins the module twins of a hub, as query rows keyed {@code deviceId/moduleId}
     */
    public RegistryQueries(HubStore store, DeviceView view, Function<String, QueryRows> moduleTwins) {
        this.store = store;
        this.view = view;
        this.moduleTwins = moduleTwins;
    }

    public RegistryQueries(HubStore store, Function<String, QueryRows> moduleTwins) {
        this(store, DeviceView.AS_STORED, moduleTwins);
    }

    /**
     * @param pageSize     requested items per page; null, below 1 or unreadable = {@link #DEFAULT_PAGE}, above
     *                     {@link #MAX_PAGE} = {@link #MAX_PAGE}
     * @param continuation the previous page's {@code x-ms-continuation}, or null
     */
    public QueryPage query(String hub, String text, Integer pageSize, String continuation) {
        RegistryQuery query;
        try {
            query = QueryParser.parse(text);
        } catch (QuerySyntaxError e) {
            throw HubError.argumentInvalid(e.getMessage());
        }
        int size = pageSize == null || pageSize < 1 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
        QueryRows rows = query.source() == QuerySource.MODULES ? moduleTwins.apply(hub) : deviceTwins(hub);
        try {
            return QueryEngine.page(query, rows, size, continuation);
        } catch (IllegalArgumentException e) {
            throw HubError.argumentInvalid(e.getMessage());
        }
    }

    private QueryRows deviceTwins(String hub) {
        return (afterKey, limit) -> {
            var page = store.devicesWithTwinsAfter(hub, afterKey, limit);
            var shown = view.presentAll(hub, page.stream().map(e -> e.device()).toList());
            java.util.List<QueryRow> rows = new java.util.ArrayList<>(page.size());
            for (int i = 0; i < page.size(); i++) {
                rows.add(new QueryRow(shown.get(i).deviceId(), TwinService.render(shown.get(i), page.get(i).twin())));
            }
            return rows;
        };
    }
}
