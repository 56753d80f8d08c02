package dev.muster.hub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryEngineTest {
    private final TreeMap<String, ObjectNode> twins = new TreeMap<>();
    private final QueryRows rows = (after, limit) -> (after == null ? twins : twins.tailMap(after, false)).entrySet()
            .stream().limit(limit).map(e -> new QueryRow(e.getKey(), e.getValue())).toList();

    QueryEngineTest() {
        add("d1", "{'status':'enabled','tags':{'site':'north','floor':1},'properties':{'reported':{'fw':3,'ok':true}}}");
        add("d2", "{'status':'enabled','tags':{'site':'north','floor':2},'properties':{'reported':{'fw':1.5}}}");
        add("d3", "{'status':'disabled','tags':{'site':'south'},'properties':{'reported':{'fw':'3','ok':null}}}");
        add("d4", "{'status':'enabled','tags':{},'capabilities':{'iotEdge':true},'properties':{'reported':{}}}");
    }

    private void add(String id, String json) {
        ObjectNode doc = (ObjectNode) Json.tree(json.replace('\'', '"'));
        doc.put("deviceId", id);
        twins.put(id, doc);
    }

    private List<String> ids(String where) {
        return run("SELECT * FROM devices WHERE " + where).stream().map(d -> d.path("deviceId").asText()).toList();
    }

    private List<JsonNode> run(String query) {
        return QueryEngine.page(QueryParser.parse(query), rows, 1000, null).items();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "tags.site = 'north'|d1 d2",
            "tags.site != 'north'|d3",
            "tags.site <> 'north'|d3",
            "properties.reported.fw > 2|d1",
            "properties.reported.fw >= 1.5|d1 d2",
            "properties.reported.fw < 3|d2",
            "properties.reported.fw <= 3|d1 d2",
            "properties.reported.fw = '3'|d3",
            "tags.site = 'north' AND properties.reported.fw > 2|d1",
            "tags.site = 'south' OR tags.floor = 2|d2 d3",
            "NOT tags.site = 'north'|d3",
            "NOT (tags.site = 'north' OR status = 'disabled')|''",
            "deviceId IN ['d1', 'd4', 'x']|d1 d4",
            "deviceId NIN ['d1', 'd4']|d2 d3",
            "tags.site NOT IN ['north']|d3",
            "IS_DEFINED(tags.floor)|d1 d2",
            "NOT IS_DEFINED(tags.site)|d4",
            "IS_NULL(properties.reported.ok)|d3",
            "IS_BOOL(properties.reported.ok)|d1",
            "IS_STRING(properties.reported.fw)|d3",
            "IS_NUMBER(properties.reported.fw)|d1 d2",
            "IS_OBJECT(tags)|d1 d2 d3 d4",
            "STARTSWITH(tags.site, 'no')|d1 d2",
            "ENDSWITH(tags.site, 'th')|d1 d2 d3",
            "capabilities.iotEdge = true|d4",
            "properties.reported.ok = null|d3",
            "DEVICES.deviceId = 'd2'|d2",
            "DeviceId = 'd2'|d2",
            "tags.site = 1|''",
            "tags.missing != 'x'|''",
            "NOT tags.missing = 'x'|''",
            "tags.missing = 'x' OR tags.site = 'south'|d3",
            "true|d1 d2 d3 d4",
    })
    void whereSelectsWithIotHubSemantics(String where, String expected) {
        List<String> want = expected.isEmpty() ? List.of() : List.of(expected.split(" "));
        assertThat(ids(where)).containsExactlyElementsOf(want);
    }

    @Test
    void projectionsOmitUndefinedValues() {
        List<JsonNode> items = run("SELECT deviceId, tags.site, properties.reported.fw AS firmware FROM devices"
                + " WHERE deviceId IN ['d1', 'd4']");
        assertThat(items).containsExactly(Json.tree("{\"deviceId\":\"d1\",\"site\":\"north\",\"firmware\":3}"),
                Json.tree("{\"deviceId\":\"d4\"}"));
    }

    @Test
    void countWithoutGroupsIsOneItemEvenWhenNothingMatches() {
        assertThat(run("SELECT COUNT() AS n FROM devices WHERE tags.site = 'north'"))
                .containsExactly(Json.tree("{\"n\":2}"));
        assertThat(run("SELECT COUNT() AS n FROM devices WHERE tags.site = 'nowhere'"))
                .containsExactly(Json.tree("{\"n\":0}"));
        assertThat(run("SELECT COUNT() FROM devices")).containsExactly(Json.tree("{\"$1\":4}"));
    }

    @Test
    void groupByCountsEachValueAndLeavesAnUndefinedKeyOut() {
        assertThat(run("SELECT tags.site AS site, COUNT() AS n FROM devices GROUP BY tags.site")).containsExactly(
                Json.tree("{\"site\":\"north\",\"n\":2}"), Json.tree("{\"site\":\"south\",\"n\":1}"),
                Json.tree("{\"n\":1}"));
    }

    /** Follows the continuations from the first page to the one without. */
    private List<QueryPage> pages(String query, int pageSize) {
        RegistryQuery q = QueryParser.parse(query);
        List<QueryPage> pages = new ArrayList<>();
        String token = null;
        do {
            QueryPage page = QueryEngine.page(q, rows, pageSize, token);
            pages.add(page);
            token = page.continuation();
        } while (token != null && pages.size() < 100);
        return pages;
    }

    @Test
    void pagesFollowContinuationsToTheEndWithoutAnEmptyLastPage() {
        IntStream.range(10, 35).forEach(i -> add("p" + i, "{'tags':{'batch':'b'}}"));
        List<QueryPage> pages = pages("SELECT * FROM devices WHERE tags.batch = 'b'", 10);
        assertThat(pages).hasSize(3).allSatisfy(p -> assertThat(p.items()).isNotEmpty());
        assertThat(pages.stream().flatMap(p -> p.items().stream()).map(i -> i.path("deviceId").asText()).toList())
                .hasSize(25).doesNotHaveDuplicates().first().isEqualTo("p10");
    }

    @Test
    void anExactlyFullLastPageCarriesNoContinuation() {
        QueryPage page = QueryEngine.page(QueryParser.parse("SELECT * FROM devices"), rows, 4, null);
        assertThat(page.items()).hasSize(4);
        assertThat(page.continuation()).isNull();
    }

    @Test
    void topLimitsTheResultAcrossPages() {
        List<QueryPage> pages = pages("SELECT TOP 3 deviceId FROM devices", 2);
        assertThat(pages).hasSize(2);
        assertThat(pages.get(0).items()).hasSize(2);
        assertThat(pages.get(1).items()).containsExactly(Json.tree("{\"deviceId\":\"d3\"}"));
    }

    @Test
    void groupsArePagedToo() {
        List<QueryPage> pages = pages("SELECT status, COUNT() AS n FROM devices GROUP BY status", 1);
        assertThat(pages).extracting(QueryPage::items).containsExactly(
                List.of(Json.tree("{\"status\":\"enabled\",\"n\":3}")),
                List.of(Json.tree("{\"status\":\"disabled\",\"n\":1}")));
    }

    @Test
    void filteringScansPastManyNonMatchingRows() {
        IntStream.range(0, QueryEngine.SCAN_BATCH * 2 + 7).forEach(i -> add(String.format("z%04d", i), "{}"));
        add("zz-last", "{'tags':{'needle':true}}");
        assertThat(ids("tags.needle = true")).containsExactly("zz-last");
        assertThat(run("SELECT COUNT() AS n FROM devices").get(0).path("n").asInt())
                .isEqualTo(4 + QueryEngine.SCAN_BATCH * 2 + 7 + 1);
    }

    @Test
    void aModulesQueryReadsItsOwnSource() {
        assertThat(QueryEngine.page(QueryParser.parse("SELECT * FROM devices.modules"), QueryRows.NONE, 10, null)
                .items()).isEmpty();
    }

    @Test
    void aForeignContinuationTokenIsRefused() {
        assertThatThrownBy(() -> QueryEngine.page(QueryParser.parse("SELECT * FROM devices"), rows, 10, "%%not-ours"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
