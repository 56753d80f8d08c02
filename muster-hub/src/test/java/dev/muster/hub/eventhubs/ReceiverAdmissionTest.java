package dev.muster.hub.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.testing.InMemoryEventStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.apache.qpid.proton.amqp.Symbol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReceiverAdmissionTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryEventStore store = new InMemoryEventStore();
    private final MutableClock clock = new MutableClock(T0);
    private final ReceiverAdmission admission = new ReceiverAdmission(store, clock);

    @BeforeEach
    void setUp() {
        store.createStream(new EventStream(HUB, 4, T0));
    }

    private ReceiverAdmission.Admitted admit(String group, String partition, Long level, String holder) {
        return admission.admit(new ReceiverAdmission.Request(HUB,
                new EntityAddress.Partition("hub-one", group, partition), new StartPosition.Latest(), level, holder));
    }

    private static void refusedWith(Runnable r, Symbol condition) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EventHubsError.class,
                e -> assertThat((Object) e.condition()).isEqualTo(condition));
    }

    @Test
    void consumerGroupsMatchCaseInsensitivelyAndAnUnknownOneIsNotFound() {
        assertThat(admit("$default", "1", null, "a").consumerGroup()).isEqualTo(ConsumerGroup.DEFAULT);
        refusedWith(() -> admit("nope", "1", null, "a"), EventHubsError.NOT_FOUND);
        assertThatThrownBy(() -> admit("nope", "1", null, "a")).hasMessageContaining("could not be found");
    }

    @Test
    void aPartitionTheStreamDoesNotHaveIsOutOfRange() {
        refusedWith(() -> admit(ConsumerGroup.DEFAULT, "4", null, "a"), EventHubsError.ARGUMENT_OUT_OF_RANGE);
        refusedWith(() -> admit(ConsumerGroup.DEFAULT, "-1", null, "a"), EventHubsError.ARGUMENT_OUT_OF_RANGE);
        refusedWith(() -> admit(ConsumerGroup.DEFAULT, "x", null, "a"), EventHubsError.ARGUMENT_OUT_OF_RANGE);
    }

    @Test
    void aHigherOrEqualOwnerLevelTakesThePartitionAndALowerOneIsStolenFrom() {
        admit(ConsumerGroup.DEFAULT, "0", 5L, "a");
        admit(ConsumerGroup.DEFAULT, "0", 5L, "b");
        assertThat(store.owner(HUB, ConsumerGroup.DEFAULT, 0).orElseThrow().holder()).isEqualTo("b");
        refusedWith(() -> admit(ConsumerGroup.DEFAULT, "0", 4L, "c"), EventHubsError.LINK_STOLEN);
        admit(ConsumerGroup.DEFAULT, "0", 6L, "d");
        assertThat(store.owner(HUB, ConsumerGroup.DEFAULT, 0).orElseThrow().holder()).isEqualTo("d");
    }

    @Test
    void aReceiverWithoutOwnerLevelIsRefusedWhileAnOwnerHoldsThePartition() {
        admit(ConsumerGroup.DEFAULT, "2", 0L, "owner");
        refusedWith(() -> admit(ConsumerGroup.DEFAULT, "2", null, "plain"), EventHubsError.LINK_STOLEN);
        assertThat(admit(ConsumerGroup.DEFAULT, "3", null, "plain").partition()).as("other partitions are free")
                .isEqualTo(3);
    }

    @Test
    void aClaimNotRefreshedWithinTheStaleTimeNoLongerCounts() {
        admit(ConsumerGroup.DEFAULT, "1", 9L, "dead-node");
        clock.advance(ReceiverAdmission.STALE.plus(Duration.ofSeconds(1)));
        assertThat(admit(ConsumerGroup.DEFAULT, "1", null, "plain").partition()).isEqualTo(1);
        admit(ConsumerGroup.DEFAULT, "1", 1L, "new-owner");
        assertThat(store.owner(HUB, ConsumerGroup.DEFAULT, 1).orElseThrow().holder()).isEqualTo("new-owner");
    }

    @Test
    void aRefusedStartGivesTheClaimBack() {
        assertThatThrownBy(() -> admission.admit(new ReceiverAdmission.Request(HUB,
                new EntityAddress.Partition("hub-one", ConsumerGroup.DEFAULT, "0"),
                new StartPosition.Sequence(99, true), 3L, "a"))).isInstanceOf(EventHubsError.class);
        assertThat(store.owner(HUB, ConsumerGroup.DEFAULT, 0)).isEmpty();
    }
}
