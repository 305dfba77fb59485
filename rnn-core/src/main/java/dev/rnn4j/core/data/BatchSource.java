package dev.rnn4j.core.data;

/**
 * A source of batches for fit, evaluate and predict: data that may be larger than memory, read one batch at a time.
 *
 * <p>The contract the training loop relies on:
 * <ul>
 *   <li>{@link #batchesPerEpoch()} is known before an epoch starts, and every epoch yields exactly that many.</li>
 *   <li>{@link #open open(epoch, first)} is repeatable: for the same source, seed, epoch and {@code first} it yields
 *   exactly the batches that a run which never stopped yielded from batch {@code first} on. A checkpoint therefore
 *   only needs the epoch and the batch to resume from (and, for an {@link ArraySource} drawing from the model's
 *   generator, that generator's state and {@link ArraySource#order()}).</li>
 *   <li>Arrays are float32, created with Nd4j on the thread that builds the batch, outside any workspace.</li>
 * </ul>
 *
 * <p>Implementations here: {@link ArraySource} (arrays in memory), {@link RecordSource} (records from a
 * {@link RecordFile} or a list: padding, shuffling, bucketing). Wrappers: {@link #prefetch(int)} builds batches on a
 * background thread, {@link #checked()} verifies that batches agree with each other.
 */
public interface BatchSource {
    /** @return the number of batches in one epoch, at least 0 */
    int batchesPerEpoch();

    /**
     * Opens epoch {@code epoch} positioned at batch {@code first}.
     *
     * @param epoch the epoch, 0-based
     * @param first the first batch to yield, in {@code [0, batchesPerEpoch()]} ({@code batchesPerEpoch()} gives an
     *              empty iterator)
     * @return the batches {@code first, first + 1, ...} of that epoch; the caller closes it
     * @throws IllegalArgumentException when {@code epoch} or {@code first} is out of range
     */
    BatchIterator open(int epoch, int first);

    /**
     * @param depth how many batches the loader thread may build ahead, at least 1
     * @return this source with its batches built on a daemon thread while the consumer trains ({@link Prefetch})
     */
    default BatchSource prefetch(int depth) {
        return new Prefetch(this, depth);
    }

    /**
     * @return this source with every batch checked against the first one seen: the same number of input and output
     *         arrays, ranks, data types and feature sizes; and every epoch the promised number of batches. A batch
     *         that disagrees fails with an {@link IllegalArgumentException} naming the epoch and the batch.
     */
    default BatchSource checked() {
        return new CheckedSource(this);
    }
}
