package dev.muster.cli.csvimport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BulkImportTest {

    static List<EnrollmentRows.Item> items(int n) {
        List<EnrollmentRows.Item> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new EnrollmentRows.Item(i + 2, "dev-" + i, Json.object().put("registrationId", "dev-" + i)));
        }
        return out;
    }

    /** A fake bulk endpoint with a set of existing IDs; it refuses bodies of more than 10 items like the real one. */
    static final class FakeServer implements BulkImport.Sender {
        final Set<String> existing = ConcurrentHashMap.newKeySet();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger busyAnswers = new AtomicInteger();

        @Override
        public JsonNode send(ObjectNode body) {
            calls.incrementAndGet();
            if (busyAnswers.getAndDecrement() > 0) {
                throw new BulkImport.Failure(429, 0, "HTTP 429 (429001): too many operations");
            }
            JsonNode items = body.path("enrollments");
            if (items.size() > 10) {
                throw new BulkImport.Failure(400, -1, "HTTP 400: more than 10");
            }
            ObjectNode answer = Json.object();
            var errors = answer.putArray("errors");
            for (JsonNode e : items) {
                String id = e.path("registrationId").asText();
                if (id.endsWith("7")) {
                    errors.addObject().put("registrationId", id).put("errorCode", 400004).put("errorStatus", "bad key");
                } else if (body.path("mode").asText().equals("create") && !existing.add(id)) {
                    errors.addObject().put("registrationId", id).put("errorCode", 409001).put("errorStatus", "exists");
                } else {
                    existing.add(id);
                }
            }
            answer.put("isSuccessful", errors.isEmpty());
            return answer;
        }
    }

    @Test
    void itemsGoTenPerCallAndRefusalsKeepTheirLineNumbers() throws Exception {
        FakeServer server = new FakeServer();
        BulkImport.Summary s = new BulkImport(server, "create", 4, 1).run(items(95));
        assertThat(server.calls.get()).isEqualTo(10);
        assertThat(s.succeeded()).isEqualTo(86);
        assertThat(s.errors()).hasSize(9);
        assertThat(s.errors().get(0)).isEqualTo(new BulkImport.ItemError(9, "dev-7", 400004, "bad key"));
        assertThat(s.errors()).isSortedAccordingTo((a, b) -> Integer.compare(a.line(), b.line()));
    }

    @Test
    void aSecondCreateRunCountsExistingRowsWithoutFailingThem() throws Exception {
        FakeServer server = new FakeServer();
        new BulkImport(server, "create", 2, 1).run(items(30));
        BulkImport.Summary again = new BulkImport(server, "create", 2, 1).run(items(30));
        assertThat(again.succeeded()).isZero();
        assertThat(again.alreadyExisted()).isEqualTo(27);
        assertThat(again.errors()).hasSize(3);
        BulkImport.Summary update = new BulkImport(server, "update", 2, 1).run(items(30));
        assertThat(update.succeeded()).isEqualTo(27);
        assertThat(update.alreadyExisted()).isZero();
    }

    @Test
    void busyAnswersAreRetried() throws Exception {
        FakeServer server = new FakeServer();
        server.busyAnswers.set(3);
        BulkImport.Summary s = new BulkImport(server, "update", 1, 1).run(items(20));
        assertThat(s.succeeded()).isEqualTo(18);
        assertThat(server.calls.get()).isEqualTo(5);
    }

    @Test
    void anUnreachableServerStopsTheImportAndReportsEveryRowNotSent() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BulkImport.Sender down = body -> {
            calls.incrementAndGet();
            throw new BulkImport.Failure(0, -1, "Cannot connect");
        };
        BulkImport.Summary s = new BulkImport(down, "create", 1, 1).run(items(100));
        assertThat(s.unreachable()).isTrue();
        assertThat(s.stoppedBecause()).isEqualTo("Cannot connect");
        assertThat(s.errors()).hasSize(100);
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aCallRefusedForEveryoneStopsTheImport() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        BulkImport.Sender forbidden = body -> {
            calls.incrementAndGet();
            throw new BulkImport.Failure(403, -1, "HTTP 403 (403002): lacks EnrollmentWrite.");
        };
        BulkImport.Summary s = new BulkImport(forbidden, "create", 1, 1).run(items(50));
        assertThat(calls.get()).isEqualTo(1);
        assertThat(s.unreachable()).isFalse();
        assertThat(s.stoppedBecause()).contains("403002");
        assertThat(s.errors()).hasSize(50);
        assertThat(s.errors().get(49).message()).startsWith("not sent: HTTP 403");
    }
}
