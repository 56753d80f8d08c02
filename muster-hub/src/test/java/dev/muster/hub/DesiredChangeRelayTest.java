package dev.muster.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import dev.muster.core.hub.DesiredChange;
import dev.muster.core.hub.DesiredChangeLog;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredChangeRelayTest {
    private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final SharedLog log = new SharedLog();
    private final List<String> pushedOnA = new ArrayList<>();
    private final List<String> pushedOnB = new ArrayList<>();
    private final DesiredChangeRelay nodeA = new DesiredChangeRelay(log, clock, (h, d, p) -> pushedOnA.add(d + "@" + p.get("$version")));
    private final DesiredChangeRelay nodeB = new DesiredChangeRelay(log, clock, (h, d, p) -> pushedOnB.add(d + "@" + p.get("$version")));

    private static ObjectNode patch(long version) {
        ObjectNode patch = Json.object();
        patch.put("interval", 10);
        patch.put("$version", version);
        return patch;
    }

    @Test
    void aChangeMadeOnOneNodeIsPushedByTheOtherOnItsNextPoll() {
        clock.advance(Duration.ofMillis(100));
        nodeA.desiredChanged("hub.example.net", "dev1", patch(2));

        assertThat(nodeB.poll()).isEqualTo(1);
        assertThat(pushedOnB).containsExactly("dev1@2");
        assertThat(nodeA.poll()).as("node A pushed it itself when it made it").isZero();
        assertThat(pushedOnA).isEmpty();
    }

    @Test
    void aChangeIsPushedOnceThoughEveryPollReadsBackTheOverlap() {
        nodeA.desiredChanged("hub.example.net", "dev1", patch(2));
        nodeB.poll();
        clock.advance(Duration.ofSeconds(1));
        nodeA.desiredChanged("hub.example.net", "dev1", patch(3));

        assertThat(nodeB.poll()).isEqualTo(1);
        assertThat(nodeB.poll()).isZero();
        assertThat(pushedOnB).containsExactly("dev1@2", "dev1@3");
    }

    @Test
    void aChangeStampedSlightlyInThePastByALaggingNodeIsStillPushed() {
        clock.advance(Duration.ofSeconds(30));
        nodeB.poll();
        log.appendDesiredChange(new DesiredChange("hub.example.net", "dev1", 4, clock.instant().minusSeconds(5), patch(4)));
        clock.advance(Duration.ofSeconds(1));

        assertThat(nodeB.poll()).isEqualTo(1);
        assertThat(pushedOnB).containsExactly("dev1@4");
    }

    @Test
    void oldChangesArePrunedFromTheLog() {
        nodeA.desiredChanged("hub.example.net", "dev1", patch(2));
        clock.advance(DesiredChangeRelay.RETENTION.plusMinutes(1));
        nodeB.poll();

        assertThat(log.changes).isEmpty();
    }

    @Test
    void aModuleTwinsChangeIsPushedToTheOtherNodeAsTheModulesNotTheDevices() {
        List<String> modulePushesOnB = new ArrayList<>();
        DesiredChangeRelay nodeBWithModules = new DesiredChangeRelay(log, clock, new TwinListener() {
            @Override
            public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
                pushedOnB.add(deviceId + "@" + patch.get("$version"));
            }

            @Override
            public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
                modulePushesOnB.add(deviceId + "/" + moduleId + "@" + patch.get("$version"));
            }
        });
        clock.advance(Duration.ofMillis(100));
        nodeA.desiredChanged("hub.example.net", "dev1", patch(2));
        nodeA.moduleDesiredChanged("hub.example.net", "dev1", "sensor", patch(2));

        assertThat(nodeBWithModules.poll()).as("same version, different twins: both").isEqualTo(2);
        assertThat(pushedOnB).containsExactly("dev1@2");
        assertThat(modulePushesOnB).containsExactly("dev1/sensor@2");
        assertThat(nodeBWithModules.poll()).isZero();
        assertThat(log.changes).extracting(DesiredChange::moduleId).containsExactly(null, "sensor");
    }

    /** The database every node shares, in memory. */
    private static final class SharedLog implements DesiredChangeLog {
        final List<DesiredChange> changes = new ArrayList<>();

        @Override
        public synchronized void appendDesiredChange(DesiredChange change) {
            if (changes.stream().noneMatch(c -> c.hub().equals(change.hub()) && c.deviceId().equals(change.deviceId())
                    && java.util.Objects.equals(c.moduleId(), change.moduleId())
                    && c.desiredVersion() == change.desiredVersion())) {
                changes.add(change);
            }
        }

        @Override
        public synchronized List<DesiredChange> desiredChangesSince(Instant since, int limit) {
            return changes.stream().filter(c -> !c.changedAt().isBefore(since))
                    .sorted(Comparator.comparing(DesiredChange::changedAt)).limit(limit).toList();
        }

        @Override
        public synchronized int pruneDesiredChanges(Instant before) {
            int n = changes.size();
            changes.removeIf(c -> c.changedAt().isBefore(before));
            return n - changes.size();
        }
    }
}
