package dev.muster.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreSizeGaugeTest {
    @Test
    void theStoreSizeIsScrapedAsBytesAndReadFromTheDatabaseAtMostEveryFewSeconds() {
        InMemoryStore store = new InMemoryStore();
        AtomicInteger reads = new AtomicInteger();
        try (Metrics metrics = new Metrics(store, new UsageMeter(store, Clock.systemUTC()))) {
            metrics.watchStoreSize(() -> {
                reads.incrementAndGet();
                return 123_456_789L;
            });

            String first = metrics.scrape();
            metrics.scrape();
            metrics.scrape();

            assertThat(first).contains("muster_store_size_bytes 1.23456789E8");
            assertThat(reads).hasValue(1);
        }
    }
}
