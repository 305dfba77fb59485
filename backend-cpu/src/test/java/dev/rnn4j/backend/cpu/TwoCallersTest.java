package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two threads calling one multi-threaded backend (two Spark tasks in one executor): parts may wait on each other, as
 * the recurrence's chains do, so each caller's parts must run side by side, never one after another.
 */
class TwoCallersTest {
    @Test
    void eachCallersPartsRunTogetherWhileTheOtherWaitsForTheTeam() throws Exception {
        Nd4jCpuBackend backend = new Nd4jCpuBackend(2);
        backend.ensureReady();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                Future<?>[] done = new Future<?>[2];
                for (int c = 0; c < 2; c++) {
                    done[c] = callers.submit(() -> {
                        for (int round = 0; round < 200; round++) {
                            // Both parts of one call must meet: one after the other, the first waits forever.
                            CyclicBarrier meet = new CyclicBarrier(2);
                            backend.runParts(2, part -> {
                                try {
                                    meet.await(20, TimeUnit.SECONDS);
                                } catch (Exception failed) {
                                    throw new IllegalStateException("part " + part + " never met the other", failed);
                                }
                            });
                        }
                        return null;
                    });
                }
                for (Future<?> caller : done) {
                    caller.get();
                }
            });
        } finally {
            callers.shutdownNow();
        }
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
