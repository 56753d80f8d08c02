package dev.muster.core.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageMeterTest {
    private static final Instant T0 = Instant.parse("2025-05-01T12:00:30Z");
    private static final Instant MINUTE = Instant.parse("2025-05-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore store = new InMemoryStore();

    /** Delegates to the in-memory store, failing while {@code failing} is set. */
    private static class FlakyUsageStore implements UsageStore {
        private final UsageStore delegate;
        boolean failing;
        int writes;

        FlakyUsageStore(UsageStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void addUsage(String instance, OperationKind kind, Instant minute, long count) {
            if (failing) {
                throw new IllegalStateException("database unavailable");
            }
            writes++;
            delegate.addUsage(instance, kind, minute, count);
        }

        @Override
        public Map<OperationKind, Long> usageSince(String instance, Instant since) {
            return delegate.usageSince(instance, since);
        }

        @Override
        public List<MinuteCount> usageByMinute(String instance, Instant since) {
            return delegate.usageByMinute(instance, since);
        }

        @Override
        public void addFailures(String instance, String reason, Instant minute, long count) {
            if (failing) {
                throw new IllegalStateException("database unavailable");
            }
            delegate.addFailures(instance, reason, minute, count);
        }

        @Override
        public Map<String, Long> failuresSince(String instance, Instant since) {
            return delegate.failuresSince(instance, since);
        }
    }

    @Test
    void flushWritesTheCountsToTheStorePerMinute() {
        UsageMeter meter = new UsageMeter(store, clock);
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.ENROLLMENT_CREATE);
        meter.record("b", OperationKind.REGISTRATION);

        assertThat(store.usageSince("a", Instant.EPOCH)).isEmpty();
        meter.flush();

        assertThat(store.usageSince("a", Instant.EPOCH))
                .containsExactlyInAnyOrderEntriesOf(Map.of(OperationKind.REGISTRATION, 2L, OperationKind.ENROLLMENT_CREATE, 1L));
        assertThat(store.usageSince("b", Instant.EPOCH)).containsExactlyEntriesOf(Map.of(OperationKind.REGISTRATION, 1L));
        assertThat(store.usageSince("a", MINUTE)).containsEntry(OperationKind.REGISTRATION, 2L);
        assertThat(store.usageSince("a", MINUTE.plusSeconds(1))).isEmpty();
    }

    @Test
    void flushingTwiceDoesNotCountTwice() {
        UsageMeter meter = new UsageMeter(store, clock);
        meter.record("a", OperationKind.REGISTRATION);

        meter.flush();
        meter.flush();

        assertThat(store.usageSince("a", Instant.EPOCH)).containsEntry(OperationKind.REGISTRATION, 1L);
    }

    @Test
    void usageSinceIncludesCountsNotYetFlushed() {
        UsageMeter meter = new UsageMeter(store, clock);
        meter.record("a", OperationKind.REGISTRATION);
        meter.flush();
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.FAILED_REGISTRATION);

        Map<OperationKind, Long> usage = meter.usageSince("a", Instant.EPOCH);

        assertThat(usage.get(OperationKind.REGISTRATION)).isEqualTo(2L);
        assertThat(usage.get(OperationKind.FAILED_REGISTRATION)).isEqualTo(1L);
    }

    @Test
    void usageSinceListsEveryKindWithZeroForThoseNotSeen() {
        UsageMeter meter = new UsageMeter(store, clock);

        assertThat(meter.usageSince("a", Instant.EPOCH)).hasSize(OperationKind.values().length).allSatisfy((k, v) ->
                assertThat(v).isZero());
    }

    @Test
    void usageSinceCountsOnlyMinutesFromTheGivenInstant() {
        UsageMeter meter = new UsageMeter(store, clock);
        meter.record("a", OperationKind.REGISTRATION);
        clock.advance(Duration.ofMinutes(2));
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.RE_REGISTRATION);

        assertThat(meter.usageSince("a", MINUTE.plus(Duration.ofMinutes(1))))
                .containsEntry(OperationKind.REGISTRATION, 1L)
                .containsEntry(OperationKind.RE_REGISTRATION, 1L);
        assertThat(meter.usageSince("a", MINUTE)).containsEntry(OperationKind.REGISTRATION, 2L);
    }

    @Test
    void listenersHearEveryRecordAtOnce() {
        UsageMeter meter = new UsageMeter(store, clock);
        List<String> heard = new ArrayList<>();
        meter.addListener((instance, kind) -> heard.add(instance + ":" + kind.wireName()));

        meter.record("a", OperationKind.REGISTRATION);
        meter.record("b", OperationKind.FAILED_REGISTRATION);

        assertThat(heard).containsExactly("a:registration", "b:failedRegistration");
    }

    @Test
    void aFailedFlushKeepsTheCountsForTheNextFlush() {
        FlakyUsageStore flaky = new FlakyUsageStore(store);
        UsageMeter meter = new UsageMeter(flaky, clock);
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.REGISTRATION);

        flaky.failing = true;
        assertThatThrownBy(meter::flush).hasMessageContaining("database unavailable");
        assertThat(store.usageSince("a", Instant.EPOCH)).isEmpty();

        meter.record("a", OperationKind.REGISTRATION);
        flaky.failing = false;
        meter.flush();

        assertThat(store.usageSince("a", Instant.EPOCH)).containsEntry(OperationKind.REGISTRATION, 3L);
    }

    @Test
    void aFailedFlushLosesNoKindThatWasNotYetWritten() {
        FlakyUsageStore flaky = new FlakyUsageStore(store);
        UsageMeter meter = new UsageMeter(flaky, clock);
        for (OperationKind k : OperationKind.values()) {
            meter.record("a", k);
        }
        flaky.failing = true;
        assertThatThrownBy(meter::flush).isInstanceOf(IllegalStateException.class);

        flaky.failing = false;
        meter.flush();

        Map<OperationKind, Long> stored = store.usageSince("a", Instant.EPOCH);
        for (OperationKind k : OperationKind.values()) {
            assertThat(stored).containsEntry(k, 1L);
        }
    }

    @Test
    void losesNoCountWhenFlushRunsWhileDevicesAreCounted() throws Exception {
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        UsageStore counting = new FlakyUsageStore(new InMemoryStore()) {
            @Override
            public void addUsage(String instance, OperationKind kind, Instant minute, long count) {
                written.addAndGet(count);
            }
        };
        UsageMeter meter = new UsageMeter(counting, clock);
        int threads = 4;
        int perThread = 50_000;
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread flusher = new Thread(() -> {
            while (!done.get()) {
                meter.flush();
            }
        });
        flusher.start();
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread r = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    meter.record("a", OperationKind.REGISTRATION);
                }
            });
            recorders.add(r);
            r.start();
        }
        for (Thread r : recorders) {
            r.join();
        }
        done.set(true);
        flusher.join();
        meter.flush();

        assertThat(written.get()).isEqualTo((long) threads * perThread);
    }

    @Test
    void reportsBucketsPerHourAndFailuresByReason() {
        UsageMeter meter = new UsageMeter(store, clock);
        meter.record("a", OperationKind.REGISTRATION);
        meter.recordFailure("a", "unauthorized");
        clock.advance(Duration.ofMinutes(2));
        meter.record("a", OperationKind.REGISTRATION);
        meter.record("a", OperationKind.ENROLLMENT_CREATE);
        clock.advance(Duration.ofHours(1));
        meter.recordFailure("a", "unauthorized");
        meter.recordFailure("a", "enrollmentDisabled");
        meter.record("b", OperationKind.REGISTRATION);

        UsageReport byMinute = meter.report("a", Instant.EPOCH, Granularity.MINUTE);
        assertThat(byMinute.series()).hasSize(3);
        assertThat(byMinute.series().get(0).start()).isEqualTo(MINUTE);
        assertThat(byMinute.series().get(1).operations())
                .containsExactlyInAnyOrderEntriesOf(Map.of(OperationKind.REGISTRATION, 1L, OperationKind.ENROLLMENT_CREATE, 1L));

        UsageReport byHour = meter.report("a", Instant.EPOCH, Granularity.HOUR);
        assertThat(byHour.series()).extracting(UsageReport.Bucket::start)
                .containsExactly(Instant.parse("2025-05-01T12:00:00Z"), Instant.parse("2025-05-01T13:00:00Z"));
        assertThat(byHour.series().get(0).operations()).containsEntry(OperationKind.REGISTRATION, 2L)
                .containsEntry(OperationKind.FAILED_REGISTRATION, 1L);
        assertThat(byHour.failures()).containsExactlyInAnyOrderEntriesOf(Map.of("unauthorized", 2L, "enrollmentDisabled", 1L));
        assertThat(byHour.billed()).isEqualTo(3);

        UsageReport byDay = meter.report("a", Instant.EPOCH, Granularity.DAY);
        assertThat(byDay.series()).singleElement().satisfies(b -> assertThat(b.operations())
                .containsEntry(OperationKind.FAILED_REGISTRATION, 3L));
        assertThat(meter.report("a", MINUTE.plus(Duration.ofHours(1)), Granularity.DAY).failures())
                .containsExactlyInAnyOrderEntriesOf(Map.of("unauthorized", 1L, "enrollmentDisabled", 1L));
    }

    @Test
    void billedKindsAndWireNames() {
        assertThat(OperationKind.FAILED_REGISTRATION.billed()).isFalse();
        assertThat(OperationKind.REGISTRATION.billed()).isTrue();
        assertThat(OperationKind.RE_REGISTRATION.wireName()).isEqualTo("reRegistration");
        assertThat(OperationKind.ENROLLMENT_CREATE.wireName()).isEqualTo("enrollmentCreate");
    }
}
