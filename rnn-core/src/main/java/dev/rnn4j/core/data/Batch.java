package dev.rnn4j.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch for fit, evaluate or predict: one array per model input and one per output, rows first
 * ({@code [batch, ...]}), float32 (token ids as float values).
 *
 * <p>The constructor checks one batch on its own: every array has the same number of rows, the weights are
 * {@code [batch]} or {@code [batch, timesteps]}, the mask is {@code [batch, timesteps]} and as long as every input of
 * rank 3 or more. Whether batches agree with each other is {@link BatchSource#checked()}'s business.
 *
 * @param x            one array per model input; at least one
 * @param y            one array per model output; empty for predict
 * @param sampleWeight null, {@code [batch]} (one weight per sample) or {@code [batch, timesteps]} (per timestep)
 * @param mask         null, or {@code [batch, timesteps]} of 1 and 0: which timesteps of the padded inputs are real
 */
public record Batch(List<INDArray> x, List<INDArray> y, INDArray sampleWeight, INDArray mask) {
    /** Checks the shapes and copies the lists. */
    public Batch {
        Objects.requireNonNull(x, "x is null");
        Objects.requireNonNull(y, "y is null");
        if (x.isEmpty()) {
            throw new IllegalArgumentException("batch: expected at least one input array, found none");
        }
        long rows = rows(x.get(0), "x[0]");
        checkRows(x, "x", rows);
        checkRows(y, "y", rows);
        if (sampleWeight != null) {
            long found = rows(sampleWeight, "sampleWeight");
            if (sampleWeight.rank() > 2 || found != rows) {
                throw new IllegalArgumentException("batch: sampleWeight has shape "
                        + Arrays.toString(sampleWeight.shape()) + ", expected [" + rows + "] or [" + rows
                        + ", timesteps]");
            }
        }
        if (mask != null) {
            if (mask.rank() != 2 || mask.size(0) != rows) {
                throw new IllegalArgumentException("batch: mask has shape " + Arrays.toString(mask.shape())
                        + ", expected [" + rows + ", timesteps]");
            }
            for (int i = 0; i < x.size(); i++) {
                if (x.get(i).rank() >= 3 && x.get(i).size(1) != mask.size(1)) {
                    throw new IllegalArgumentException("batch: x[" + i + "] has " + x.get(i).size(1)
                            + " timesteps, expected " + mask.size(1) + " (the mask's)");
                }
            }
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
    }

    /**
     * A batch without weights or mask.
     *
     * @param x one array per model input
     * @param y one array per model output
     */
    public Batch(List<INDArray> x, List<INDArray> y) {
        this(x, y, null, null);
    }

    /** @return the number of samples (rows) in this batch */
    public int size() {
        return Math.toIntExact(x.get(0).size(0));
    }

    private static void checkRows(List<INDArray> arrays, String name, long rows) {
        for (int i = 0; i < arrays.size(); i++) {
            long found = rows(arrays.get(i), name + "[" + i + "]");
            if (found != rows) {
                throw new IllegalArgumentException("batch: " + name + "[" + i + "] has " + found
                        + " rows, expected " + rows + " (the rows of x[0])");
            }
        }
    }

    private static long rows(INDArray array, String name) {
        if (array == null) {
            throw new IllegalArgumentException("batch: " + name + " is null");
        }
        if (array.rank() < 1) {
            throw new IllegalArgumentException("batch: " + name + " is a scalar, expected an array of shape [batch,"
                    + " ...]");
        }
        return array.size(0);
    }
}
