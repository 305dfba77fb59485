package dev.rnn4j.core.data;

import java.util.Arrays;

/** The argument checks the sources share, so that their messages read the same. */
final class Checks {
    private Checks() {
    }

    /**
     * Checks the arguments of {@link BatchSource#open}.
     *
     * @param source  the source's name, for the message
     * @param epoch   the epoch asked for
     * @param first   the first batch asked for
     * @param batches the batches per epoch
     */
    static void open(String source, int epoch, int first, int batches) {
        if (epoch < 0) {
            throw new IllegalArgumentException(source + ": epoch: expected at least 0, found " + epoch);
        }
        if (first < 0 || first > batches) {
            throw new IllegalArgumentException(source + ": first batch: expected 0 to " + batches
                    + " (the batches per epoch), found " + first);
        }
    }

    /**
     * @param batchSize a batch size
     * @return it, when at least 1
     */
    static int batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size: expected at least 1, found " + batchSize);
        }
        return batchSize;
    }

    /**
     * @param order an order of {@code samples} items
     * @param samples how many
     * @param what the order's name, for the message
     */
    static void permutation(int[] order, int samples, String what) {
        if (order.length != samples) {
            throw new IllegalArgumentException(what + ": expected a permutation of 0.." + (samples - 1) + ", found "
                    + order.length + " entries");
        }
        boolean[] present = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int index = order[i];
            if (index < 0 || index >= order.length || present[index]) {
                throw new IllegalArgumentException(what + ": expected a permutation of 0.." + (order.length - 1)
                        + ", found " + index + " at position " + i);
            }
            present[index] = true;
        }
    }

    /** @return the shape in brackets, as messages print it */
    static String shape(long[] shape) {
        return Arrays.toString(shape);
    }
}
