package dev.muster.bench;

import dev.muster.core.allocation.HubAllocator;
import dev.muster.core.instance.LinkedHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Weighted rendezvous hashing over the linked hubs: one hash per candidate hub per registration. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocationBenchmark {
    @Param({"2", "16"})
    int hubs;

    final HubAllocator allocator = new HubAllocator();
    List<LinkedHub> linked;
    int next;

    @Setup
    public void setUp() {
        linked = new ArrayList<>();
        for (int i = 0; i < hubs; i++) {
            linked.add(new LinkedHub("127.0.10." + (i + 1), "HostName=127.0.10." + (i + 1), 1 + i % 3, true));
        }
    }

    @Benchmark
    public Optional<LinkedHub> hashed() {
        return allocator.hashed("line-3-unit-" + (next++ & 0xffff), linked);
    }
}
