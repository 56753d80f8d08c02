package dev.muster.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.operations.UsageMeter;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.transport.Blocking;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreSizeGaugeTest {
    private final Vertx vertx = Vertx.vertx();
    private final Blocking blocking = new Blocking(vertx.createSharedWorkerExecutor("test-worker", 1));

    @AfterEach
    void stop() throws Exception {
        blocking.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theStoreSizeIsScrapedAsBytesAndReadFromTheDatabaseAtMostEveryFewSecondsOffTheScrape() throws Exception {
        InMemoryStore store = new InMemoryStore();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T00:00:00Z"));
        AtomicInteger reads = new AtomicInteger();
        RefreshedValue<Long> size = new RefreshedValue<>("the database size", () -> {
            reads.incrementAndGet();
            return 123_456_789L;
        }, null, Duration.ofSeconds(5), blocking, clock);
        try (Metrics metrics = new Metrics(store, new UsageMeter(store, Clock.systemUTC()))) {
            metrics.watchStoreSize(size);

            metrics.scrape(); // starts the first read on the worker pool
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (size.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String scraped = metrics.scrape();
            metrics.scrape();

            assertThat(scraped).contains("muster_store_size_bytes 1.23456789E8");
            assertThat(reads).hasValue(1);

            clock.advance(Duration.ofSeconds(6));
            metrics.scrape();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reads.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(reads).as("read again once older than 5 s").hasValue(2);
        }
    }
}
