package dev.rnn4j.mnist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The thread counts that {@code bench --compare-threads} runs: all processors, then powers of two down to 1. */
class BenchThreadCountsTest {
    @Test
    void allProcessorsThenEachPowerOfTwoBelow() {
        assertThat(BenchCommand.threadCounts(1)).containsExactly("1");
        assertThat(BenchCommand.threadCounts(2)).containsExactly("2", "1");
        assertThat(BenchCommand.threadCounts(6)).containsExactly("6", "4", "2", "1");
        assertThat(BenchCommand.threadCounts(16)).containsExactly("16", "8", "4", "2", "1");
    }
}
