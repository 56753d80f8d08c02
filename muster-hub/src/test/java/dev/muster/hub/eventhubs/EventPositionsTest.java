package dev.muster.hub.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.testing.InMemoryEventStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.junit.jupiter.api.Test;

class EventPositionsTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final InMemoryEventStore store = new InMemoryEventStore();

    @Test
    void theSdksExpressionsParseToPositions() {
        assertThat(EventPositions.parse("amqp.annotation.x-opt-offset > '-1'")).isEqualTo(new StartPosition.Earliest());
        assertThat(EventPositions.parse("amqp.annotation.x-opt-offset > '@latest'"))
                .isEqualTo(new StartPosition.Latest());
        assertThat(EventPositions.parse("amqp.annotation.x-opt-offset >= '12'"))
                .isEqualTo(new StartPosition.Sequence(12, true));
        assertThat(EventPositions.parse("amqp.annotation.x-opt-sequence-number > '7'"))
                .isEqualTo(new StartPosition.Sequence(7, false));
        assertThat(EventPositions.parse("amqp.annotation.x-opt-enqueued-time > '1772359200000'"))
                .isEqualTo(new StartPosition.EnqueuedTime(T0, false));
    }

    @Test
    void anExpressionThatIsNoPositionIsAnArgumentError() {
        assertThatThrownBy(() -> EventPositions.parse("amqp.annotation.x-opt-offset < '3'"))
                .isInstanceOfSatisfying(EventHubsError.class,
                        e -> assertThat((Object) e.condition()).isEqualTo(EventHubsError.ARGUMENT_ERROR));
        assertThatThrownBy(() -> EventPositions.parse("amqp.annotation.x-opt-sequence-number > 'x'"))
                .isInstanceOf(EventHubsError.class);
    }

    @Test
    void theFilterIsReadWithJavasSymbolAndJsNumericDescriptors() {
        String e = "amqp.annotation.x-opt-sequence-number >= '3'";
        assertThat(EventPositions.fromFilter(Map.of(EventPositions.SELECTOR,
                new UnknownDescribedType(EventPositions.SELECTOR, e)))).isEqualTo(new StartPosition.Sequence(3, true));
        assertThat(EventPositions.fromFilter(Map.of(Symbol.valueOf("apache.org:selector-filter:string"),
                new UnknownDescribedType(UnsignedLong.valueOf(0x468C00000004L), e))))
                .isEqualTo(new StartPosition.Sequence(3, true));
        assertThat(EventPositions.fromFilter(null)).isEqualTo(new StartPosition.Earliest());
    }

    private void stream(int events, Instant at) {
        store.createStream(new EventStream(HUB, 2, T0));
        for (int i = 0; i < events; i++) {
            store.append(HUB, 0, at.plusMillis(i * 10L), List.of(new EventContent(new byte[] {(byte) i}, null, null)));
        }
    }

    private long resolve(StartPosition p) {
        return EventPositions.resolve(p, store, HUB, store.partition(HUB, 0));
    }

    @Test
    void positionsResolveToTheFirstSequenceToDeliver() {
        stream(5, T0); // sequences 0..4 at T0, T0+10ms, ...
        assertThat(resolve(new StartPosition.Earliest())).isZero();
        assertThat(resolve(new StartPosition.Latest())).isEqualTo(5);
        assertThat(resolve(new StartPosition.Sequence(2, true))).isEqualTo(2);
        assertThat(resolve(new StartPosition.Sequence(2, false))).isEqualTo(3);
        assertThat(resolve(new StartPosition.Sequence(4, false))).as("after the last: the next one").isEqualTo(5);
        assertThat(resolve(new StartPosition.EnqueuedTime(T0.plusMillis(10), true))).isEqualTo(1);
        assertThat(resolve(new StartPosition.EnqueuedTime(T0.plusMillis(10), false))).isEqualTo(2);
    }

    @Test
    void aPositionPastRetentionStartsAtTheEarliestRetainedEvent() {
        stream(5, T0);
        store.removeEnqueuedBefore(T0.plusMillis(25), 100); // 0, 1, 2 are gone
        assertThat(resolve(new StartPosition.Sequence(0, true))).isEqualTo(3);
        assertThat(resolve(new StartPosition.EnqueuedTime(T0.minusSeconds(60), false))).isEqualTo(3);
        assertThat(resolve(new StartPosition.Earliest())).isEqualTo(3);
    }

    @Test
    void aSequenceNumberBeyondTheNextIsRefusedAsEventHubsRefusesIt() {
        stream(2, T0);
        assertThatThrownBy(() -> resolve(new StartPosition.Sequence(5, true)))
                .isInstanceOfSatisfying(EventHubsError.class, e -> {
                    assertThat((Object) e.condition()).isEqualTo(EventHubsError.ARGUMENT_ERROR);
                    assertThat(e.getMessage()).contains("The last sequence number in the system is '1'");
                });
    }
}
