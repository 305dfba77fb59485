package dev.rnn4j.core.data;

import java.util.Iterator;

/**
 * The batches of one epoch from {@link BatchSource#open}, in order. Close it when done, also when stopping early: it
 * may hold an open file or a loader thread. {@link #next()} reports a failed read as an
 * {@link java.io.UncheckedIOException} whose cause names the file.
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {
    /** Releases what the iterator holds (readers, threads); idempotent, never throws a checked exception. */
    @Override
    void close();
}
