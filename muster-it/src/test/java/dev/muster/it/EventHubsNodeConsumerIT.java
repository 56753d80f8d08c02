package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.HubEvent;
import dev.muster.core.hub.events.SystemProperties;
import dev.muster.hub.eventhubs.EventHubNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Node Event Hubs client ({@code @azure/event-hubs} 6.0.4, src/test/node-eventhubs) reading a built-in
 * hub's Event Hubs-compatible endpoint: {@code EventHubConsumerClient.subscribe} from the earliest event, from an
 * enqueued time and from the latest, with the hub's iothubowner key.
 */
class EventHubsNodeConsumerIT {
    private static final NodePackage PACKAGE = new NodePackage("node-eventhubs");

    @BeforeAll
    static void installPackages() {
        PACKAGE.install();
    }

    private static List<EventContent> events(String prefix, int n) {
        List<EventContent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new EventContent((prefix + "-" + i).getBytes(StandardCharsets.UTF_8), Map.of("n", "" + i),
                    Map.of(SystemProperties.CONNECTION_DEVICE_ID, "node-dev", SystemProperties.CONTENT_TYPE,
                            "text/plain")));
        }
        return out;
    }

    @Test
    void subscribeReadsFromEarliestAnEnqueuedTimeAndLatest() throws Exception {
        String marker = "node-" + UUID.randomUUID().toString().substring(0, 8);
        int partition = 3;
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<HubEvent> a = EventHubsTestStreams.append(partition, t0, events(marker + "-a", 3));
        EventHubsTestStreams.append(partition, t0.plusMillis(5), events(marker + "-b", 2));

        // "latest" needs events enqueued after the subscription attached: keep appending while node runs.
        ScheduledExecutorService live = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger n = new AtomicInteger();
        live.scheduleAtFixedRate(() -> EventHubsTestStreams.append(partition, Instant.now(),
                events(marker + "-live" + n.getAndIncrement(), 1)), 2, 1, TimeUnit.SECONDS);
        JsonNode out;
        try {
            out = PACKAGE.run(List.of("node", "consume.js", EventHubsTestStreams.connectionString(),
                    Integer.toString(partition), marker, Long.toString(t0.toEpochMilli())), 150).lastJson();
        } finally {
            live.shutdownNow();
        }

        assertThat(out.has("error")).as(out.toString()).isFalse();
        assertThat(out.path("hub").path("name").asText()).isEqualTo(EventHubNames.of(EventHubsTestStreams.hub()));
        assertThat(out.path("hub").path("partitionIds")).extracting(JsonNode::asText).containsExactly("0", "1", "2", "3");
        assertThat(out.path("partition").path("lastEnqueuedSequenceNumber").asLong())
                .isGreaterThanOrEqualTo(a.get(2).sequence() + 2);

        JsonNode earliest = out.path("earliest");
        assertThat(earliest.path("error").isMissingNode()).as(earliest.toString()).isTrue();
        assertThat(earliest.path("bodies")).extracting(JsonNode::asText).startsWith(marker + "-a-0", marker + "-a-1",
                marker + "-a-2");
        JsonNode first = earliest.path("details").get(0);
        assertThat(first.path("sequenceNumber").asLong()).isEqualTo(a.get(0).sequence());
        assertThat(first.path("offset").asText()).isEqualTo(a.get(0).offset());
        assertThat(first.path("contentType").asText()).isEqualTo("text/plain");
        assertThat(first.path("properties").path("n").asText()).isEqualTo("0");
        assertThat(first.path("systemProperties").path("iothub-connection-device-id").asText()).isEqualTo("node-dev");

        assertThat(out.path("enqueued").path("bodies")).extracting(JsonNode::asText)
                .as("enqueued after t0: the a events are not").startsWith(marker + "-b-0", marker + "-b-1");

        JsonNode latest = out.path("latest").path("bodies");
        assertThat(latest).extracting(JsonNode::asText).isNotEmpty()
                .allMatch(b -> b.startsWith(marker + "-live"));
    }
}
