package dev.muster.hub.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {

    @Test
    void selectStarFromDevicesHasNoFilterAndReadsDeviceTwins() {
        RegistryQuery q = QueryParser.parse("SELECT * FROM devices");
        assertThat(q.selectAll()).isTrue();
        assertThat(q.source()).isEqualTo(QuerySource.DEVICES);
        assertThat(q.where()).isNull();
        assertThat(q.aggregates()).isFalse();
    }

    @Test
    void keywordsAreCaseInsensitiveAndModulesAreASource() {
        RegistryQuery q = QueryParser.parse("select top 3 * from DEVICES.Modules where moduleId = 'm'");
        assertThat(q.source()).isEqualTo(QuerySource.MODULES);
        assertThat(q.top()).isEqualTo(3);
        assertThat(q.where()).isInstanceOf(Expr.Compare.class);
    }

    @Test
    void projectionsAreNamedByAliasOrByTheLastNameOfThePath() {
        RegistryQuery q = QueryParser.parse("SELECT deviceId, tags.site, properties.reported.fw AS firmware FROM devices");
        assertThat(q.items()).extracting(RegistryQuery.SelectItem::name).containsExactly("deviceId", "site", "firmware");
        assertThat(q.items().get(1).path().names()).containsExactly("tags", "site");
    }

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        Expr e = QueryParser.parse("SELECT * FROM devices WHERE a = 1 OR NOT b = 2 AND c = 3").where();
        assertThat(e).isInstanceOf(Expr.Or.class);
        Expr right = ((Expr.Or) e).right();
        assertThat(right).isInstanceOf(Expr.And.class);
        assertThat(((Expr.And) right).left()).isInstanceOf(Expr.Not.class);
    }

    @Test
    void inNinAndNotInTakeListsOfLiterals() {
        assertThat(QueryParser.parse("SELECT * FROM devices WHERE deviceId IN ['a', 'b']").where())
                .isEqualTo(new Expr.In(path(29, "deviceId"), List.of(text("a"), text("b")), false));
        assertThat(((Expr.In) QueryParser.parse("SELECT * FROM devices WHERE x NIN [1, 2.5, true, null]").where())
                .negated()).isTrue();
        assertThat(((Expr.In) QueryParser.parse("SELECT * FROM devices WHERE x NOT IN []").where()).negated()).isTrue();
    }

    @Test
    void countWithGroupByKeepsTheGroupedPaths() {
        RegistryQuery q = QueryParser.parse("SELECT properties.reported.status AS status, COUNT() AS n FROM devices"
                + " GROUP BY properties.reported.status");
        assertThat(q.aggregates()).isTrue();
        assertThat(q.groupBy()).hasSize(1);
        assertThat(q.items()).extracting(RegistryQuery.SelectItem::name).containsExactly("status", "n");
    }

    @Test
    void bracketedNamesAndDollarNamesArePathSegments() {
        Expr.Path p = (Expr.Path) ((Expr.Compare) QueryParser.parse(
                "SELECT * FROM devices WHERE properties.reported['my-prop'].$version > 1").where()).left();
        assertThat(p.names()).containsExactly("properties", "reported", "my-prop", "$version");
    }

    @ParameterizedTest(name = "{0} fails at {1}")
    @CsvSource(delimiter = '|', value = {
            "SELECT * devices|10|expected FROM",
            "SELECT * FROM devices WHERE|28|expected a value",
            "SELECT * FROM devices WHERE tags.site = 'x|41|not closed",
            "SELECT * FROM things|15|expected 'devices'",
            "SELECT * FROM devices.jobs|23|expected 'modules'",
            "SELECT * FROM devices WHERE a = 1 b = 2|35|unexpected 'b'",
            "SELECT * FROM devices WHERE FOO(a)|29|unknown function 'FOO'",
            "SELECT * FROM devices WHERE STARTSWITH(a)|29|takes 2 arguments",
            "SELECT * FROM devices WHERE (a = 1|35|expected ')'",
            "SELECT * FROM devices WHERE a IN ['x', b]|40|expected a literal",
            "SELECT TOP x * FROM devices|12|TOP needs a whole number",
            "SELECT deviceId, COUNT() FROM devices|8|must appear in GROUP BY",
            "SELECT * FROM devices WHERE a # 1|31|unexpected character '#'",
            "SELECT * FROM devices ORDER BY deviceId|23|unexpected 'ORDER'",
            "SELECT * FROM devices WHERE a = 12abc|35|after number",
    })
    void malformedQueriesNameThePositionOfTheMistake(String query, int position, String detail) {
        assertThatThrownBy(() -> QueryParser.parse(query))
                .isInstanceOfSatisfying(QuerySyntaxError.class, e -> assertThat(e.position()).isEqualTo(position))
                .hasMessageContaining("at position " + position)
                .hasMessageContaining(detail);
    }

    @Test
    void anEmptyQueryIsRefused() {
        assertThatThrownBy(() -> QueryParser.parse("  ")).isInstanceOf(QuerySyntaxError.class);
    }

    private static Expr.Path path(int position, String... names) {
        return new Expr.Path(List.of(names), position);
    }

    private static com.fasterxml.jackson.databind.JsonNode text(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
    }
}
