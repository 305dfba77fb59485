package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Backend;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chains scheduler: every unit of every chain runs exactly once, a chain's units in order and never two at a time,
 * with any number of threads and chains; a failing unit stops the run and comes back to the caller.
 */
class ChainsTest {
    private static final Backend TWO_THREADS = new Nd4jCpuBackend(2);
    private static final Backend THREE_THREADS = new Nd4jCpuBackend(3);

    @ParameterizedTest(name = "{0} threads, {1} chains")
    @CsvSource({"1, 4", "2, 1", "2, 2", "2, 4", "2, 7", "3, 6", "3, 2"})
    void everyUnitRunsOnceInOrderAndNeverTwoAtATimeInAChain(int threads, int chains) {
        Backend backend = threads == 3 ? THREE_THREADS : TWO_THREADS;
        int units = 40;
        AtomicIntegerArray done = new AtomicIntegerArray(chains);
        AtomicIntegerArray running = new AtomicIntegerArray(chains);
        AtomicIntegerArray outOfOrder = new AtomicIntegerArray(1);
        Set<Thread> threadsSeen = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 20; round++) {
            for (int c = 0; c < chains; c++) {
                done.set(c, 0);
            }
            Chains.run(backend, threads, chains, units, (chain, unit) -> {
                threadsSeen.add(Thread.currentThread());
                if (running.incrementAndGet(chain) != 1 || done.get(chain) != unit) {
                    outOfOrder.incrementAndGet(0);
                }
                // a little work, uneven between chains, so that threads run ahead of each other
                double sink = 0;
                for (int i = 0; i < 2_000 * (1 + chain % 3); i++) {
                    sink += Math.sqrt(i);
                }
                if (sink < 0) {
                    throw new AssertionError();
                }
                done.incrementAndGet(chain);
                running.decrementAndGet(chain);
            });
            for (int c = 0; c < chains; c++) {
                assertThat(done.get(c)).as("units run of chain %d, round %d", c, round).isEqualTo(units);
            }
        }
        assertThat(outOfOrder.get(0)).as("units out of order or two at a time in one chain").isZero();
        assertThat(threadsSeen).as("threads used").hasSizeLessThanOrEqualTo(Math.min(threads, chains));
    }

    @ParameterizedTest(name = "{0} threads")
    @CsvSource({"1", "2", "3"})
    void aFailingUnitStopsTheRunAndIsRethrown(int threads) {
        Backend backend = threads == 3 ? THREE_THREADS : TWO_THREADS;
        AtomicIntegerArray ran = new AtomicIntegerArray(1);
        assertThatThrownBy(() -> Chains.run(backend, threads, 6, 1_000, (chain, unit) -> {
            ran.incrementAndGet(0);
            if (chain == 4 && unit == 3) {
                throw new IllegalStateException("unit 3 of chain 4");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("unit 3 of chain 4");
        assertThat(ran.get(0)).as("units run before the failure stopped the others").isLessThan(6_000);

        AtomicIntegerArray after = new AtomicIntegerArray(1);
        Chains.run(backend, threads, 6, 10, (chain, unit) -> after.incrementAndGet(0));
        assertThat(after.get(0)).as("a run after the failure").isEqualTo(60);
    }
}
