package dev.rnn4j.spark;

import java.io.Serializable;

/**
 * How the global batches of an epoch are cut among the workers. Position {@code p} of the epoch's order belongs to
 * global batch {@code p / batchSize}, as in single-machine {@code fit}; a batch of {@code r} rows gives worker
 * {@code w} the rows {@code [floor(w r / n), floor((w + 1) r / n))}: equal slices when {@code n} divides {@code r},
 * slices one row apart otherwise, and empty slices (weight zero) when the last batch has fewer rows than workers.
 * Every worker takes every step, so the ring sees the same number of all-reduces on each.
 */
final class GlobalBatches implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int samples;
    private final int batchSize;
    private final int workers;

    /**
     * @param samples   training samples, at least 1
     * @param batchSize rows per global batch, in {@code [1, samples]}
     * @param workers   workers, at least 1
     */
    GlobalBatches(int samples, int batchSize, int workers) {
        if (samples < 1 || batchSize < 1 || batchSize > samples || workers < 1) {
            throw new IllegalArgumentException("global batches: expected samples >= 1, batch size in [1, samples]"
                    + " and workers >= 1, found " + samples + ", " + batchSize + " and " + workers);
        }
        this.samples = samples;
        this.batchSize = batchSize;
        this.workers = workers;
    }

    /** @return steps per epoch: the global batches, the last one possibly smaller */
    int steps() {
        return (samples + batchSize - 1) / batchSize;
    }

    /** @return the rows of global batch {@code step} */
    int rows(int step) {
        return Math.min(batchSize, samples - step * batchSize);
    }

    /** @return the first row of {@code worker}'s slice of global batch {@code step}, counted in the batch */
    int sliceStart(int step, int worker) {
        return (int) ((long) worker * rows(step) / workers);
    }

    /** @return the rows of {@code worker}'s slice of global batch {@code step} (0 for a padded, empty slice) */
    int sliceRows(int step, int worker) {
        return sliceStart(step, worker + 1) - sliceStart(step, worker);
    }

    /** @return the worker whose slice holds position {@code position} of the epoch's order */
    int workerOf(int position) {
        int step = position / batchSize;
        int offset = position - step * batchSize;
        int rows = rows(step);
        // The largest w with floor(w rows / n) <= offset, that is ceil((offset + 1) n / rows) - 1.
        return (int) (((long) (offset + 1) * workers + rows - 1) / rows) - 1;
    }

    int samples() {
        return samples;
    }

    int batchSize() {
        return batchSize;
    }

    int workers() {
        return workers;
    }
}
