package dev.muster.hub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.query.QuerySyntaxError;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteConditionTest {
    private static final String WEATHER = """
            {"Weather":{"Temperature":50,"Time":"2017-03-09T00:00:00.000Z","PrevTemperatures":[20,30,40],
             "IsEnabled":true,"Location":{"Street":"One Microsoft Way","City":"Redmond","State":"WA"},
             "HistoricalData":[{"Month":"Feb","Temperature":40},{"Month":"Jan","Temperature":30}]}}""";

    private static EventContent json(String body, Map<String, String> app) {
        return message(body.getBytes(StandardCharsets.UTF_8), "application/json", "utf-8", app);
    }

    private static EventContent message(byte[] body, String type, String encoding, Map<String, String> app) {
        Map<String, String> sys = new HashMap<>();
        if (type != null) {
            sys.put(SystemProperties.CONTENT_TYPE, type);
        }
        if (encoding != null) {
            sys.put(SystemProperties.CONTENT_ENCODING, encoding);
        }
        sys.put(SystemProperties.CONNECTION_DEVICE_ID, "thermo-1");
        sys.put(SystemProperties.MESSAGE_ID, "m-42");
        sys.put(SystemProperties.ENQUEUED_TIME, "2026-12-03T16:00:00Z");
        sys.put(SystemProperties.MESSAGE_SOURCE, SystemProperties.SOURCE_TELEMETRY);
        return new EventContent(body, app, sys);
    }

    private static boolean matches(String condition, EventContent message) {
        return RouteCondition.parse(condition).matches(message);
    }

    private static final EventContent WEATHER_HOT = json(WEATHER, Map.of("processingPath", "hot", "severity", "4"));

    @ParameterizedTest
    @ValueSource(strings = {
            "true",
            "processingPath = 'hot'",
            "PROCESSINGPATH = 'hot'",
            "$contentEncoding = 'utf-8'",
            "$contentType = 'application/json' AND processingPath = 'hot'",
            "$connectionDeviceId = 'thermo-1'",
            "$messageId = 'm-42'",
            "$iothub-enqueuedtime > '2026-01-01'",
            "$body.Weather.Temperature = 50",
            "$body.Weather.Temperature = 50 AND processingPath = 'hot'",
            "$body.Weather.HistoricalData[0].Month = 'Feb'",
            "$body.Weather.Location.State = 'WA'",
            "$body.Weather.IsEnabled",
            "$body.Weather.Temperature = 50 AND $body.Weather.IsEnabled",
            "length($body.Weather.Location.State) = 2",
            "$body.Weather.PrevTemperatures[2] >= 40",
            "$body['Weather']['Temperature'] + 10 = 60",
            "$body.Weather.Temperature * 2 - 1 = 99",
            "$body.Weather.Temperature % 7 = 1",
            "$body.Weather.Temperature / 4 = 12.5",
            "-$body.Weather.Temperature < -49",
            "AS_NUMBER(severity) > 3",
            "AS_NUMBER(severity) IN [3, 4, 5]",
            "processingPath NOT IN ['cold', 'warm']",
            "ABS(-3) = 3 AND CEILING(1.2) = 2 AND FLOOR(1.8) = 1 AND SIGN(-2) = -1",
            "SQUARE(3) = 9 AND SQRT(16) = 4 AND POWER(2, 10) = 1024",
            "CONCAT(processingPath, '-', $connectionDeviceId) = 'hot-thermo-1'",
            "UPPER(processingPath) = 'HOT' AND LOWER('ABC') = 'abc'",
            "SUBSTRING($connectionDeviceId, 0, 6) = 'thermo' AND SUBSTRING('abc', 1) = 'bc'",
            "INDEX_OF($connectionDeviceId, '-') = 6",
            "STARTS_WITH($connectionDeviceId, 'thermo') AND ENDS_WITH($connectionDeviceId, '-1')",
            "CONTAINS($body.Weather.Location.City, 'edmo')",
            "IS_DEFINED($body.Weather) AND IS_OBJECT($body.Weather) AND IS_ARRAY($body.Weather.PrevTemperatures)",
            "IS_STRING(processingPath) AND IS_NUMBER($body.Weather.Temperature) AND IS_BOOL($body.Weather.IsEnabled)",
            "IS_PRIMITIVE($body.Weather.Temperature) AND NOT IS_DEFINED($body.Weather.Missing)",
            "NOT (processingPath = 'cold') AND (processingPath <> 'warm' OR severity = '1')",
            "processingPath != 'cold'",
            "not processingpath = 'cold' and TRUE",
    })
    void conditionsFromIotHubsDocumentationMatchTheWeatherMessage(String condition) {
        assertThat(matches(condition, WEATHER_HOT)).as(condition).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "false",
            "processingPath = 'cold'",
            "$body.Weather.Temperature > 50",
            "$body.Weather.Missing = 1",
            "NOT $body.Weather.Missing = 1",
            "$body.Weather.Missing != 1",
            "severity > 3",
            "$body.Weather.Temperature = '50'",
            "$body.Weather.Temperature / 0 = 0",
            "unknownProperty = 'x' OR $body.Weather.Temperature < 0",
            "LENGTH($body.Weather.Temperature) = 2",
            "$twinless = 'x'",
            "'a' + 'b' = 'ab'",
            "$body.Weather.Location",
            "5",
    })
    void undefinedWrongTypesAndFalseDoNotRoute(String condition) {
        assertThat(matches(condition, WEATHER_HOT)).as(condition).isFalse();
    }

    @Test
    void undefinedOrTrueIsTrueAndUndefinedAndFalseIsFalse() {
        assertThat(matches("missing = 'x' OR processingPath = 'hot'", WEATHER_HOT)).isTrue();
        assertThat(matches("NOT (missing = 'x' AND processingPath = 'cold')", WEATHER_HOT)).isTrue();
        assertThat(matches("NOT (missing = 'x' AND processingPath = 'hot')", WEATHER_HOT)).isFalse();
    }

    @Test
    void theBodyIsReadOnlyWhenTheMessageSaysItIsJsonInAUtfEncoding() {
        byte[] body = WEATHER.getBytes(StandardCharsets.UTF_8);
        String condition = "$body.Weather.Temperature = 50";
        assertThat(matches(condition, message(body, "application/json", "UTF-8", Map.of()))).isTrue();
        assertThat(matches(condition, message(body, "application/json", null, Map.of()))).isFalse();
        assertThat(matches(condition, message(body, null, "utf-8", Map.of()))).isFalse();
        assertThat(matches(condition, message(body, "text/plain", "utf-8", Map.of()))).isFalse();
        assertThat(matches(condition, message(body, "application/json", "latin1", Map.of()))).isFalse();
        assertThat(matches(condition, message("not json".getBytes(StandardCharsets.UTF_8), "application/json",
                "utf-8", Map.of()))).isFalse();
    }

    @Test
    void utf16AndUtf32BodiesAreDecodedByTheirEncoding() {
        String condition = "$body.Weather.Location.City = 'Redmond'";
        assertThat(matches(condition, message(WEATHER.getBytes(StandardCharsets.UTF_16), "application/json",
                "utf-16", Map.of()))).isTrue();
        assertThat(matches(condition, message(WEATHER.getBytes(Charset.forName("UTF-32")), "application/json",
                "utf-32", Map.of()))).isTrue();
    }

    @Test
    void twinChangeEventPropertiesAreFoundUnderTheirApplicationPropertyNames() {
        EventContent change = new EventContent(
                "{\"version\":3,\"properties\":{\"reported\":{\"fw\":\"2.0\"}}}".getBytes(StandardCharsets.UTF_8),
                Map.of(), Map.of(SystemProperties.CONTENT_TYPE, "application/json",
                SystemProperties.CONTENT_ENCODING, "utf-8", SystemProperties.OPERATION_TYPE, "updateTwin",
                SystemProperties.MESSAGE_SOURCE, SystemProperties.SOURCE_TWIN_CHANGE));
        assertThat(matches("opType = 'updateTwin' AND $body.properties.reported.fw = '2.0'", change)).isTrue();
        assertThat(matches("$iothub-message-source = 'twinChangeEvents'", change)).isTrue();
    }

    @Test
    void aConditionThatDoesNotParseIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> RouteCondition.parse("processingPath = 'hot' AND"))
                .isInstanceOf(QuerySyntaxError.class)
                .satisfies(e -> assertThat(((QuerySyntaxError) e).position()).isEqualTo(27))
                .hasMessageContaining("position 27");
        assertThat(position("$body.temperature >> 30")).isEqualTo(20);
        assertThat(position("FOO(x) = 1")).isEqualTo(1);
        assertThat(position("LENGTH('a', 'b') = 1")).isEqualTo(1);
        assertThat(position("kind = 'alarm")).isEqualTo(8);
        assertThat(position("(a = 1")).isEqualTo(7);
        assertThat(position("a = 1 b = 2")).isEqualTo(7);
        assertThat(position("")).isEqualTo(1);
        assertThat(position("$body.Weather[x] = 1")).isEqualTo(15);
        assertThat(position("a = 1 AND " + "b".repeat(1100))).isEqualTo(1025);
    }

    @Test
    void twinConditionsAreRefusedRatherThanSilentlyNeverMatching() {
        assertThatThrownBy(() -> RouteCondition.parse("$twin.tags.floor = 1"))
                .isInstanceOf(QuerySyntaxError.class).hasMessageContaining("$twin");
    }

    @Test
    void applicationPropertyNamesMayContainDots() {
        assertThat(matches("sensor.kind = 'door'", json("{}", Map.of("sensor.kind", "door")))).isTrue();
    }

    private static int position(String condition) {
        try {
            RouteCondition.parse(condition);
        } catch (QuerySyntaxError e) {
            return e.position();
        }
        throw new AssertionError("parsed: " + condition);
    }
}
