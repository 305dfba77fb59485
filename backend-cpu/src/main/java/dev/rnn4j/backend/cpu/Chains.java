package dev.rnn4j.backend.cpu;

import dev.rnn4j.api.Backend;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Runs chains of units on the backend's threads, balancing them while they run: the units of one chain run in order
 * and never two at a time (a chain is a part of a batch going through its timesteps, a unit one timestep), while
 * different chains run side by side. Each thread prefers its own chains ({@code chain % threads == thread}), taking
 * the one furthest behind, and takes a unit of another thread's chain when that chain is at least two units behind
 * its own (or its own are done or busy): a thread slowed down by the machine (another process, a busy host) hands
 * part of its work to the others instead of making them wait at the end of the pass.
 *
 * <p>Which thread runs a unit depends on timing, but what a unit computes does not, so results do not depend on it.
 * With no more chains than threads, each thread runs its own chain, as {@link Backend#runParts} would.
 */
final class Chains {
    /** What a unit does: {@code run(chain, unit)} with units {@code 0, 1, ...} of each chain in order. */
    @FunctionalInterface
    interface Unit {
        void run(int chain, int unit);
    }

    /** Busy-wait iterations without work before a thread starts yielding its core between looks. */
    private static final int SPINS_BEFORE_YIELD = 20_000;

    private Chains() {
    }

    /**
     * @param backend the backend whose threads run the chains ({@link Backend#runParts})
     * @param threads how many threads, at least 1 (chains beyond them are shared out while running)
     * @param chains  how many chains, at least 1
     * @param units   the units of every chain
     * @param unit    the work of one unit
     */
    static void run(Backend backend, int threads, int chains, int units, Unit unit) {
        if (threads <= 1 || chains <= 1) {
            for (int c = 0; c < chains; c++) {
                for (int u = 0; u < units; u++) {
                    unit.run(c, u);
                }
            }
            return;
        }
        int workers = Math.min(threads, chains);
        AtomicIntegerArray next = new AtomicIntegerArray(chains);
        AtomicIntegerArray busy = new AtomicIntegerArray(chains);
        // finished chains, and a flag that stops every thread once a unit failed (runParts rethrows the failure)
        AtomicIntegerArray state = new AtomicIntegerArray(2);
        backend.runParts(workers, thread -> {
            int idle = 0;
            while (state.get(0) < chains && state.get(1) == 0) {
                int chain = claim(thread, workers, chains, units, next, busy);
                if (chain < 0) {
                    idle = pause(idle);
                    continue;
                }
                idle = 0;
                int index = next.get(chain);
                try {
                    unit.run(chain, index);
                } catch (RuntimeException | Error failure) {
                    state.set(1, 1);
                    throw failure;
                }
                next.set(chain, index + 1);
                if (index + 1 == units) {
                    state.incrementAndGet(0);
                }
                busy.set(chain, 0);
            }
        });
    }

    /**
     * One look that found nothing to do: spin, then (after {@value #SPINS_BEFORE_YIELD} looks) leave the core to
     * others between looks (more threads than cores, say).
     *
     * @param idle the looks without work so far
     * @return the looks without work, this one included
     */
    static int pause(int idle) {
        if (idle < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return idle + 1;
    }

    /** @return a chain this thread now holds, or -1 when none is free */
    private static int claim(int thread, int workers, int chains, int units, AtomicIntegerArray next,
            AtomicIntegerArray busy) {
        int own = -1;
        int ownNext = Integer.MAX_VALUE;
        int other = -1;
        int otherNext = Integer.MAX_VALUE;
        for (int c = 0; c < chains; c++) {
            int at = next.get(c);
            if (at >= units || busy.get(c) != 0) {
                continue;
            }
            if (c % workers == thread) {
                if (at < ownNext) {
                    own = c;
                    ownNext = at;
                }
            } else if (at < otherNext) {
                other = c;
                otherNext = at;
            }
        }
        // With no more chains than threads there is nothing to share out: each thread keeps to its own.
        int chosen = chains <= workers || (own >= 0 && (other < 0 || ownNext <= otherNext + 1)) ? own : other;
        if (chosen < 0 || !busy.compareAndSet(chosen, 0, 1)) {
            return -1;
        }
        if (next.get(chosen) >= units) {
            // finished by another thread between the look and the claim
            busy.set(chosen, 0);
            return -1;
        }
        return chosen;
    }
}
