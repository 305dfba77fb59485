package dev.rnn4j.core.data;

import java.io.UncheckedIOException;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source whose batches are built on a background thread while the consumer trains: each {@link #open} starts one
 * daemon thread ({@value #THREAD_NAME_PREFIX}N) that fills a queue of at most {@code depth} batches from the wrapped
 * source's iterator, and ends when the epoch's batches are built or the iterator is closed.
 *
 * <ul>
 *   <li>The wrapped source is opened on the caller's thread, so its checks and draws happen in order; its iterator is
 *   then used (and closed) by the loader thread alone.</li>
 *   <li>A failure of the loader reaches the consumer at the batch that failed, as a new exception of the same kind
 *   ({@link UncheckedIOException} with the original {@link java.io.IOException}, {@link IllegalArgumentException},
 *   otherwise {@link IllegalStateException}) whose cause is the original and whose message names the epoch and
 *   batch.</li>
 *   <li>{@link BatchIterator#close()} stops the thread and waits for it: at most the batch being built is finished.
 *   The thread is never interrupted: an interrupt closes a {@link java.nio.channels.FileChannel} for every reader of
 *   the file.</li>
 * </ul>
 */
public final class Prefetch implements BatchSource {
    /** The name of every loader thread starts with this. */
    public static final String THREAD_NAME_PREFIX = "rnn4j-prefetch-";
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BatchSource source;
    private final int depth;

    /**
     * @param source the source to read ahead of the consumer
     * @param depth  how many batches may wait in the queue, at least 1
     */
    public Prefetch(BatchSource source, int depth) {
        this.source = Objects.requireNonNull(source, "source is null");
        if (depth < 1) {
            throw new IllegalArgumentException("prefetch depth: expected at least 1, found " + depth);
        }
        this.depth = depth;
    }

    @Override
    public int batchesPerEpoch() {
        return source.batchesPerEpoch();
    }

    @Override
    public BatchIterator open(int epoch, int first) {
        return new Loader(source.open(epoch, first), depth, epoch, first);
    }

    /** A batch the loader could not build. */
    private record Failure(Throwable cause, int batch) {
    }

    private static final class Loader implements BatchIterator, Runnable {
        /** Put after the last batch (and by close, to wake a consumer waiting on another thread). */
        private static final Object END = new Object();

        private final BatchIterator inner;
        private final BlockingQueue<Object> queue;
        private final int epoch;
        private final int first;
        private final Thread thread;
        private volatile boolean closed;
        private Object next;

        Loader(BatchIterator inner, int depth, int epoch, int first) {
            this.inner = inner;
            this.queue = new ArrayBlockingQueue<>(depth);
            this.epoch = epoch;
            this.first = first;
            this.thread = new Thread(this, THREAD_NAME_PREFIX + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            int batch = first;
            try {
                // One item at most goes in after close() empties the queue, so a put never blocks a closed loader.
                while (!closed) {
                    if (!inner.hasNext()) {
                        queue.put(END);
                        return;
                    }
                    queue.put(inner.next());
                    batch++;
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error failure) {
                if (!closed) {
                    try {
                        queue.put(new Failure(failure, batch));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            } finally {
                inner.close();
            }
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                if (closed) {
                    return false;
                }
                try {
                    next = queue.take();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("prefetch: interrupted while waiting for a batch of epoch "
                            + epoch, interrupted);
                }
            }
            if (next instanceof Failure failure) {
                throw rethrow(failure);
            }
            return next != END;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("prefetch: epoch " + epoch + " has no more batches");
            }
            Batch batch = (Batch) next;
            next = null;
            return batch;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            queue.clear();
            queue.offer(END);
            next = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private RuntimeException rethrow(Failure failure) {
            Throwable cause = failure.cause();
            String message = "prefetch: building batch " + failure.batch() + " of epoch " + epoch + " failed: "
                    + cause.getMessage();
            if (cause instanceof UncheckedIOException io) {
                return new UncheckedIOException(message, io.getCause());
            }
            if (cause instanceof IllegalArgumentException) {
                return new IllegalArgumentException(message, cause);
            }
            return new IllegalStateException(message, cause);
        }
    }
}
