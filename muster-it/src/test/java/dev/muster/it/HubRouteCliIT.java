package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code muster hub route …} and {@code muster hub endpoint …} against the test server's second hub (its routing put
 * back to the default afterwards): endpoints with masked credentials, routes saved and tested, a bad condition
 * refused with its position, removal.
 */
class HubRouteCliIT {
    private static final String HUB = MusterUnderTest.SECOND_HUB;

    private static CliIT.Run muster(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--hub";
        all[args.length + 1] = HUB;
        return CliIT.muster(all);
    }

    private static void ok(CliIT.Run run) {
        assertThat(run.exit()).as(run.err()).isZero();
    }

    @AfterEach
    void restoreDefaultRouting() {
        CliIT.Run routes = muster("hub", "route", "list", "-o", "json");
        ok(routes);
        Json.tree(routes.out()).path("routes").forEach(r -> ok(muster("hub", "route", "remove",
                r.path("name").asText())));
        ok(muster("hub", "route", "fallback", "--enable"));
        Json.tree(muster("hub", "endpoint", "list", "-o", "json").out()).path("webhooks")
                .forEach(w -> ok(muster("hub", "endpoint", "remove", w.path("name").asText())));
    }

    @Test
    void anOperatorAddsAnEndpointAndARouteTestsMessagesAndRemovesThem() {
        ok(muster("hub", "endpoint", "add-webhook", "ops-hook", "--url", "https://ops.example.net/alarms",
                "--header", "Authorization=Bearer cli-secret-42"));
        CliIT.Run endpoints = muster("hub", "endpoint", "list", "-o", "json");
        ok(endpoints);
        assertThat(endpoints.out()).doesNotContain("cli-secret-42");
        assertThat(Json.tree(endpoints.out()).at("/webhooks/0/headers/Authorization").asText()).isEqualTo("*****");

        ok(muster("hub", "route", "add", "alarms", "--condition", "kind = 'alarm' AND $body.temperature > 30",
                "--endpoint", "ops-hook"));
        ok(muster("hub", "route", "add", "hot", "--condition", "$body.temperature > 50"));
        CliIT.Run table = muster("hub", "route", "list");
        ok(table);
        assertThat(table.out()).contains("alarms").contains("ops-hook").contains("$fallback");

        CliIT.Run hit = muster("hub", "route", "test", "--body", "{\"temperature\":35}", "--json",
                "--property", "kind=alarm");
        ok(hit);
        assertThat(hit.out()).contains("route alarms").contains("endpoints: ops-hook").doesNotContain("route hot");
        CliIT.Run miss = muster("hub", "route", "test", "--body", "{\"temperature\":35}", "--property", "kind=alarm",
                "-o", "json");
        ok(miss);
        JsonNode untyped = Json.tree(miss.out());
        assertThat(untyped.path("routes")).as("no $body without a JSON content type").isEmpty();
        assertThat(untyped.path("fallbackRoute").asBoolean()).isTrue();

        ok(muster("hub", "route", "fallback", "--disable"));
        CliIT.Run dropped = muster("hub", "route", "test", "--body", "{}", "--json");
        ok(dropped);
        assertThat(dropped.out()).contains("endpoints: none (dropped)");

        CliIT.Run bad = muster("hub", "route", "add", "broken", "--condition", "kind = 'alarm' AND AND");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("400004").contains("route 'broken'").contains("position 20");

        CliIT.Run inUse = muster("hub", "endpoint", "remove", "ops-hook");
        assertThat(inUse.exit()).isEqualTo(1);
        assertThat(inUse.err()).contains("ops-hook");
        ok(muster("hub", "route", "remove", "alarms"));
        ok(muster("hub", "endpoint", "remove", "ops-hook"));
        assertThat(muster("hub", "route", "list").out()).doesNotContain("alarms");
        CliIT.Run gone = muster("hub", "route", "remove", "alarms");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("no route alarms");
    }
}
