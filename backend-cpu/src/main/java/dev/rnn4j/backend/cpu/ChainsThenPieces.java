package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * Runs one chain per part of a batch on the backend's threads, and after it, pieces of work on what the chain has
 * made, which any thread may take: the backward pass through time of a part (the chain, bound to its part's thread)
 * and the part's shares of the weight gradients over a few timesteps each (the pieces). A piece can start as soon as
 * the chain has made what it reads, while the chain still runs, so a thread whose chains end first takes pieces of a
 * part still in its chain: a thread slowed down by the machine (a busy host gives the two vCPUs of this project's
 * machines unequal time) hands part of its work to the other instead of making it wait at the end.
 *
 * <p>The pieces of a part run one after another, in order (a piece may add to what the one before wrote), but not
 * necessarily on one thread. Which thread runs a piece depends on timing; what it computes does not, so results do
 * not depend on it.
 */
final class ChainsThenPieces {
    /** A chain: the sequential work of one part, reporting its progress as it goes. */
    @FunctionalInterface
    interface Chain {
        /**
         * @param part    the part
         * @param reached to be called with the count of units done so far (increasing), so that pieces can start
         */
        void run(int part, IntConsumer reached);
    }

    /** Piece {@code piece} of a part, run after the part's pieces before it and once its chain reached far enough. */
    @FunctionalInterface
    interface Piece {
        void run(int part, int piece);
    }

    private ChainsThenPieces() {
    }

    /**
     * @param backend the backend whose threads run the work ({@link Backend#runParts})
     * @param threads how many threads, at least 1
     * @param parts   how many parts, at least 1
     * @param needs   for each piece of a part, the count of chain units it needs done (non-decreasing); its length is
     *                the number of pieces per part
     * @param chain   the chain of a part
     * @param piece   a piece of a part
     */
    static void run(Backend backend, int threads, int parts, int[] needs, Chain chain, Piece piece) {
        int pieces = needs.length;
        if (threads <= 1 || parts <= 1) {
            for (int p = 0; p < parts; p++) {
                chain.run(p, reached -> { });
                for (int i = 0; i < pieces; i++) {
                    piece.run(p, i);
                }
            }
            return;
        }
        int workers = Math.min(threads, parts);
        AtomicIntegerArray reached = new AtomicIntegerArray(parts);
        AtomicIntegerArray chainDone = new AtomicIntegerArray(parts);
        // claimed[p]: pieces of part p handed out; done[p]: pieces of part p finished. A part's next piece is free
        // when the two are equal (the one before it has finished).
        AtomicIntegerArray claimed = new AtomicIntegerArray(parts);
        AtomicIntegerArray done = new AtomicIntegerArray(parts);
        AtomicInteger left = new AtomicInteger(parts * pieces);
        AtomicInteger failed = new AtomicInteger();
        backend.runParts(workers, thread -> {
            try {
                for (int p = thread; p < parts; p += workers) {
                    int part = p;
                    chain.run(part, count -> reached.set(part, count));
                    chainDone.set(part, 1);
                }
                int idle = 0;
                while (left.get() > 0 && failed.get() == 0) {
                    int part = claim(thread, workers, parts, needs, reached, chainDone, claimed, done);
                    if (part < 0) {
                        // the pieces left belong to parts whose chains have not reached them yet
                        idle = Chains.pause(idle);
                        continue;
                    }
                    idle = 0;
                    int index = done.get(part);
                    piece.run(part, index);
                    left.decrementAndGet();
                    done.set(part, index + 1);
                }
            } catch (RuntimeException | Error failure) {
                failed.set(1);
                throw failure;
            }
        });
    }

    /**
     * @return a part whose next piece this thread now holds, or -1: pieces of parts whose chains still run first
     *         (their own threads cannot take them yet), then this thread's own parts, then any
     */
    private static int claim(int thread, int workers, int parts, int[] needs, AtomicIntegerArray reached,
            AtomicIntegerArray chainDone, AtomicIntegerArray claimed, AtomicIntegerArray done) {
        for (int pass = 0; pass < 3; pass++) {
            for (int p = 0; p < parts; p++) {
                boolean own = p % workers == thread;
                boolean running = chainDone.get(p) == 0;
                if (pass == 0 ? !running || own : pass == 1 ? !own : own || running) {
                    continue;
                }
                int next = done.get(p);
                if (next >= needs.length || claimed.get(p) != next || reached.get(p) < needs[next]
                        && chainDone.get(p) == 0) {
                    continue;
                }
                if (claimed.compareAndSet(p, next, next + 1)) {
                    return p;
                }
            }
        }
        return -1;
    }
}
