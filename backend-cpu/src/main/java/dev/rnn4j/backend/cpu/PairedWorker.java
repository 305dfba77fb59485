package dev.rnn4j.backend.cpu;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread that runs half of a split operation while the calling thread runs the other half.
 *
 * <p>Why not OpenBLAS's or ND4J's own threads: on a 2-core machine their thread pools busy-wait against each other and
 * made a training step 3-7x slower than one thread (shared/PERF-NOTES.md). Here each half is a single-threaded
 * BLAS call, and the worker spins for 50 ms after each task (in training the next one follows within a few
 * milliseconds at most), then parks, so an idle model costs no CPU. Waking a parked worker took 0.6-0.9 ms here (a
 * 0.4 ms product measured 1.1-1.3 ms after 3 ms of idling with a 2 ms spin, 0.6-0.7 ms with 50 ms).
 *
 * <p>One caller at a time: the backend's training loop is single-threaded; {@link #runBoth} is synchronized so that a
 * second caller waits rather than corrupting the hand-off.
 */
final class PairedWorker {
    private static final long SPIN_NANOS = 50_000_000L;

    private final AtomicReference<Runnable> task = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean finished = true;
    private volatile boolean sleeping;
    private volatile Throwable failure;

    PairedWorker() {
        thread = new Thread(this::loop, "rnn4j-cpu-worker");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code other} on the worker and {@code mine} on the calling thread, and returns when both are done.
     *
     * @param mine  the caller's half
     * @param other the worker's half
     */
    synchronized void runBoth(Runnable mine, Runnable other) {
        finished = false;
        failure = null;
        task.set(other);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
        Throwable own = null;
        try {
            mine.run();
        } catch (Throwable thrown) {
            own = thrown;
        }
        for (int spins = 0; !finished; spins++) {
            if (spins < 20_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Throwable theirs = failure;
        if (own != null || theirs != null) {
            Throwable first = own != null ? own : theirs;
            if (first instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (first instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(first);
        }
    }

    private void loop() {
        long idleSince = System.nanoTime();
        while (true) {
            Runnable next = task.getAndSet(null);
            if (next != null) {
                try {
                    next.run();
                } catch (Throwable thrown) {
                    failure = thrown;
                }
                finished = true;
                idleSince = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            sleeping = true;
            if (task.get() == null) {
                LockSupport.parkNanos(this, 10_000_000L);
            }
            sleeping = false;
            idleSince = System.nanoTime();
        }
    }
}
