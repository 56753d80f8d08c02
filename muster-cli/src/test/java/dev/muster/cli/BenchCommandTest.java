package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void picksAreDistinctAndInRange() {
        int[] picks = BenchCommand.pick(1000, 1000, new Random(1));
        assertThat(Arrays.stream(picks).distinct().count()).isEqualTo(1000);
        assertThat(Arrays.stream(picks).min().getAsInt()).isZero();
        assertThat(Arrays.stream(picks).max().getAsInt()).isEqualTo(999);
        int[] some = BenchCommand.pick(1_000_000, 50, new Random(2));
        assertThat(Arrays.stream(some).distinct().count()).isEqualTo(50);
        assertThat(Arrays.stream(some).allMatch(i -> i >= 0 && i < 1_000_000)).isTrue();
    }

    @Test
    void benchIsAMusterSubcommand() {
        assertThat(new picocli.CommandLine(new Main()).getSubcommands()).containsKey("bench");
    }
}
