package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Backend;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scheduler of the backward pass's chains and pieces: each chain runs once on its part's thread; every piece of
 * every part runs exactly once, in order, never two of a part at a time, never before the chain has reached what it
 * needs; a thread done early takes pieces of a part whose chain is still running; a failure stops the run and comes
 * back to the caller.
 */
class ChainsThenPiecesTest {
    private static final Backend TWO_THREADS = new Nd4jCpuBackend(2);
    private static final Backend THREE_THREADS = new Nd4jCpuBackend(3);

    @ParameterizedTest(name = "{0} threads, {1} parts")
    @CsvSource({"1, 3", "2, 1", "2, 2", "2, 4", "2, 5", "3, 6", "3, 2"})
    void everyPieceRunsOnceInOrderAfterWhatItNeeds(int threads, int parts) {
        Backend backend = threads == 3 ? THREE_THREADS : TWO_THREADS;
        int units = 28;
        int[] needs = {4, 8, 12, 16, 20, 24, 28};
        AtomicIntegerArray reached = new AtomicIntegerArray(parts);
        AtomicIntegerArray chains = new AtomicIntegerArray(parts);
        AtomicIntegerArray done = new AtomicIntegerArray(parts);
        AtomicIntegerArray running = new AtomicIntegerArray(parts);
        AtomicIntegerArray wrong = new AtomicIntegerArray(1);
        Set<Thread> threadsSeen = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 20; round++) {
            for (int p = 0; p < parts; p++) {
                reached.set(p, 0);
                chains.set(p, 0);
                done.set(p, 0);
            }
            ChainsThenPieces.run(backend, threads, parts, needs, (part, progress) -> {
                threadsSeen.add(Thread.currentThread());
                chains.incrementAndGet(part);
                for (int u = 1; u <= units; u++) {
                    work(200 * (1 + part % 3));
                    reached.set(part, u);
                    progress.accept(u);
                }
            }, (part, piece) -> {
                threadsSeen.add(Thread.currentThread());
                if (running.incrementAndGet(part) != 1 || done.get(part) != piece
                        || reached.get(part) < needs[piece]) {
                    wrong.incrementAndGet(0);
                }
                work(1_000);
                done.incrementAndGet(part);
                running.decrementAndGet(part);
            });
            for (int p = 0; p < parts; p++) {
                assertThat(chains.get(p)).as("runs of chain %d, round %d", p, round).isEqualTo(1);
                assertThat(done.get(p)).as("pieces run of part %d, round %d", p, round).isEqualTo(needs.length);
            }
        }
        assertThat(wrong.get(0)).as("pieces out of order, two at a time in a part, or before their chain's units")
                .isZero();
        assertThat(threadsSeen).as("threads used").hasSizeLessThanOrEqualTo(Math.min(threads, parts));
    }

    @Test
    void aThreadDoneEarlyTakesPiecesOfAPartStillInItsChain() {
        Map<Integer, Thread> chainThreads = new ConcurrentHashMap<>();
        Map<Integer, Thread> pieceThreads = new ConcurrentHashMap<>();
        ChainsThenPieces.run(TWO_THREADS, 2, 2, new int[] {1, 2, 3, 4}, (part, progress) -> {
            chainThreads.put(part, Thread.currentThread());
            progress.accept(3);
            if (part == 1) {
                // part 1's chain is slow after its first three units: its first three pieces can go elsewhere
                sleep(300);
            }
            progress.accept(4);
        }, (part, piece) -> {
            if (part == 1) {
                pieceThreads.putIfAbsent(piece, Thread.currentThread());
            }
        });
        assertThat(chainThreads.get(0)).isNotSameAs(chainThreads.get(1));
        assertThat(pieceThreads.get(0)).as("thread of part 1's first piece").isSameAs(chainThreads.get(0));
        assertThat(pieceThreads).hasSize(4);
    }

    @ParameterizedTest(name = "{0} threads, failing in the {1}")
    @CsvSource({"1, chain", "2, chain", "3, chain", "1, piece", "2, piece", "3, piece"})
    void aFailureStopsTheRunAndIsRethrown(int threads, String where) {
        Backend backend = threads == 3 ? THREE_THREADS : TWO_THREADS;
        int[] needs = {1, 2, 3};
        assertThatThrownBy(() -> ChainsThenPieces.run(backend, threads, 4, needs, (part, progress) -> {
            if (where.equals("chain") && part == 2) {
                throw new IllegalStateException("chain of part 2");
            }
            progress.accept(3);
        }, (part, piece) -> {
            if (where.equals("piece") && part == 1 && piece == 1) {
                throw new IllegalStateException("piece 1 of part 1");
            }
        })).isInstanceOf(IllegalStateException.class)
                .hasMessage(where.equals("chain") ? "chain of part 2" : "piece 1 of part 1");

        AtomicIntegerArray after = new AtomicIntegerArray(1);
        ChainsThenPieces.run(backend, threads, 4, needs, (part, progress) -> progress.accept(3),
                (part, piece) -> after.incrementAndGet(0));
        assertThat(after.get(0)).as("pieces of a run after the failure").isEqualTo(12);
    }

    private static void work(int iterations) {
        double sink = 0;
        for (int i = 0; i < iterations; i++) {
            sink += Math.sqrt(i);
        }
        if (sink < 0) {
            throw new AssertionError();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
