package dev.rnn4j.core.metrics;

import java.util.Objects;

/**
 * The weighted mean of one value per output row, as Keras's {@code MeanMetricWrapper}: accuracies, {@code mae},
 * {@code mse}, or a user's own row function.
 * <pre>{@code
 * Metric maxError = new MeanMetric("max_error", (p, at, width, y, yAt, yWidth) -> {
 *     double max = 0;
 *     for (int i = 0; i < width; i++) {
 *         max = Math.max(max, Math.abs(p[at + i] - y[yAt + i]));
 *     }
 *     return max;
 * });
 * }</pre>
 */
public final class MeanMetric implements Metric {
    /** The value of one output row. */
    @FunctionalInterface
    public interface RowFunction {
        /**
         * @param predictions the batch's output values
         * @param at          where the row starts in {@code predictions}
         * @param width       the row's length
         * @param targets     the batch's target values
         * @param targetAt    where the row's target starts in {@code targets}
         * @param targetWidth the target row's length: {@code width}, or 1 for a class index
         * @return the row's value
         */
        double value(double[] predictions, int at, int width, double[] targets, int targetAt, int targetWidth);
    }

    private final String name;
    private final RowFunction function;
    private double total;
    private double count;

    /**
     * @param name     the name in logs
     * @param function the value of one row
     */
    public MeanMetric(String name, RowFunction function) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.function = Objects.requireNonNull(function, "function is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(double[] predictions, int width, double[] targets, double[] rowWeights) {
        int rows = predictions.length / width;
        int targetWidth = Metrics.targetWidth(name, rows, width, targets);
        for (int r = 0; r < rows; r++) {
            double weight = rowWeights == null ? 1.0 : rowWeights[r];
            if (weight != 0.0) {
                total += weight * function.value(predictions, r * width, width, targets, r * targetWidth,
                        targetWidth);
                count += weight;
            }
        }
    }

    @Override
    public double result() {
        return count == 0.0 ? 0.0 : total / count;
    }

    @Override
    public void reset() {
        total = 0.0;
        count = 0.0;
    }

    @Override
    public double[] state() {
        return new double[] {total, count};
    }

    @Override
    public void restore(double[] state) {
        Metrics.checkState(name, state, 2);
        total = state[0];
        count = state[1];
    }
}
