package dev.rnn4j.core.metrics;

import dev.rnn4j.core.Values;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A running score of one model output, as Keras's {@code keras.metrics.Metric}: {@code fit} and {@code evaluate}
 * reset it at the start of each epoch, {@linkplain #update update} it with every batch and log its
 * {@linkplain #result result} under its {@linkplain #name name}. The outputs and targets come as flat values, one
 * output row after another: a row is a sample of a {@code [batch, classes]} output, or one timestep of a
 * {@code [batch, timesteps, classes]} output.
 *
 * <p>Masked timesteps reach a metric as rows of weight 0, as Keras passes the mask to metrics as their sample weight.
 */
public interface Metric {
    /** @return the name in logs and {@code History}: the string given to {@code compile} */
    String name();

    /**
     * Adds one batch.
     *
     * @param predictions the output's values, {@code rows * width} of them in C order
     * @param width       the output's last dimension
     * @param targets     the targets' values in C order: {@code rows * width} (one-hot or binary targets) or
     *                    {@code rows} (class indices)
     * @param rowWeights  one weight per row (0 leaves a row out), or null for all 1
     */
    void update(double[] predictions, int width, double[] targets, double[] rowWeights);

    /**
     * Adds one batch of arrays: {@link #update(double[], int, double[], double[])} with their values.
     *
     * @param predictions the output batch
     * @param targets     its targets
     * @param rowWeights  one weight per output row, or null
     */
    default void update(INDArray predictions, INDArray targets, double[] rowWeights) {
        update(Values.of(predictions), Math.toIntExact(predictions.size(predictions.rank() - 1)),
                Values.of(targets), rowWeights);
    }

    /** @return the score of the batches added since the last reset (0 before any) */
    double result();

    /** Forgets every batch added. */
    void reset();

    /** @return the running sums {@link #result()} is made of, for checkpoints */
    double[] state();

    /**
     * Continues from sums that {@link #state()} returned (a checkpoint of an epoch in progress).
     *
     * @param state the sums
     * @throws IllegalArgumentException when they are not this metric's
     */
    void restore(double[] state);
}
