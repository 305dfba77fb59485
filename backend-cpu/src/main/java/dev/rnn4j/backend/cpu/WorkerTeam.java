package dev.rnn4j.backend.cpu;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Helper threads that run the other shares of a split operation while the calling thread runs share 0.
 *
 * <p>Why not OpenBLAS's or ND4J's own threads: on a 2-core machine their thread pools busy-wait against each other and
 * made a training step 3-7x slower than one thread (shared/PERF-NOTES.md). Here each share is single-threaded work
 * (single-threaded BLAS calls), and a helper spins for 50 ms after each task (in training the next one follows within a
 * few milliseconds at most), then parks, so an idle model costs no CPU. Waking a parked helper took 0.6-0.9 ms here (a
 * 0.4 ms product measured 1.1-1.3 ms after 3 ms of idling with a 2 ms spin, 0.6-0.7 ms with 50 ms). Spinning threads
 * yield after a short spin, so a team larger than the machine's free cores slows down rather than stalls.
 *
 * <p>One caller at a time: the backend's training loop is single-threaded; {@link #run} is synchronized so that a second
 * caller waits rather than corrupting the hand-off.
 */
final class WorkerTeam {
    private static final long SPIN_NANOS = 50_000_000L;
    /** Busy-wait iterations before a waiting thread starts yielding its core between checks. */
    private static final int SPINS_BEFORE_YIELD = 20_000;

    private final Helper[] helpers;

    /**
     * @param threads the team's size, the calling thread included: {@code threads - 1} helper threads start now
     */
    WorkerTeam(int threads) {
        this(threads, () -> { });
    }

    /**
     * @param threads the team's size, the calling thread included: {@code threads - 1} helper threads start now
     * @param setUp   run first on each helper thread (the backend sets the thread's floating-point flags there)
     */
    WorkerTeam(int threads, Runnable setUp) {
        if (threads < 2) {
            throw new IllegalArgumentException("threads: expected at least 2 for a team, found " + threads);
        }
        helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1, setUp);
        }
    }

    /** @return the team's size, the calling thread included */
    int size() {
        return helpers.length + 1;
    }

    /** @return whether {@code thread} is one of this team's helpers */
    boolean isHelper(Thread thread) {
        for (Helper helper : helpers) {
            if (helper.thread == thread) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code share.accept(i)} for every {@code i} in {@code [0, shares)}: share 0 on the calling thread, share
     * {@code i} on helper {@code i}. Returns when all are done; the failure of the lowest-numbered share that failed is
     * rethrown then.
     *
     * @param shares how many shares, 1 to {@link #size()}
     * @param share  the work of share {@code i}
     */
    synchronized void run(int shares, IntConsumer share) {
        if (shares < 1 || shares > size()) {
            throw new IllegalArgumentException("shares: expected 1 to " + size() + ", found " + shares);
        }
        for (int i = 1; i < shares; i++) {
            helpers[i - 1].start(share);
        }
        Throwable first = null;
        try {
            share.accept(0);
        } catch (Throwable thrown) {
            first = thrown;
        }
        for (int i = 1; i < shares; i++) {
            Throwable theirs = helpers[i - 1].await();
            if (first == null) {
                first = theirs;
            }
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /**
     * Runs {@code item.accept(i)} for every {@code i} in {@code [0, items)}, spread over the team: thread {@code j} (the
     * calling thread is 0) takes items {@code j, j + T, ...} with {@code T = min(items, size())}.
     *
     * @param items how many items, at least 1
     * @param item  the work of item {@code i}
     */
    void runEach(int items, IntConsumer item) {
        int shares = Math.min(items, size());
        run(shares, share -> {
            for (int i = share; i < items; i += shares) {
                item.accept(i);
            }
        });
    }

    /** One helper thread and its hand-off slot. */
    private static final class Helper {
        private final int index;
        private final AtomicReference<IntConsumer> task = new AtomicReference<>();
        private final Thread thread;
        private volatile boolean finished = true;
        private volatile boolean sleeping;
        private volatile Throwable failure;

        Helper(int index, Runnable setUp) {
            this.index = index;
            thread = new Thread(() -> {
                setUp.run();
                loop();
            }, "rnn4j-cpu-worker-" + index);
            thread.setDaemon(true);
            thread.start();
        }

        void start(IntConsumer share) {
            finished = false;
            failure = null;
            task.set(share);
            if (sleeping) {
                LockSupport.unpark(thread);
            }
        }

        /** @return the share's failure, or null, once it has finished */
        Throwable await() {
            for (int spins = 0; !finished; spins++) {
                if (spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return failure;
        }

        private void loop() {
            long idleSince = System.nanoTime();
            int spins = 0;
            while (true) {
                IntConsumer next = task.getAndSet(null);
                if (next != null) {
                    try {
                        next.accept(index);
                    } catch (Throwable thrown) {
                        failure = thrown;
                    }
                    finished = true;
                    idleSince = System.nanoTime();
                    spins = 0;
                    continue;
                }
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    if (++spins < SPINS_BEFORE_YIELD) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                    continue;
                }
                sleeping = true;
                if (task.get() == null) {
                    LockSupport.parkNanos(this, 10_000_000L);
                }
                sleeping = false;
                idleSince = System.nanoTime();
                spins = 0;
            }
        }
    }
}
