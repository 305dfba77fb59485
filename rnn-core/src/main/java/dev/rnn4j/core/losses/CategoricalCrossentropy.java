package dev.rnn4j.core.losses;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Loss;
import dev.rnn4j.core.Values;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code categorical_crossentropy}. On probabilities (the default) each row of the predictions is divided by
 * its sum, clipped to {@code [1e-7, 1 - 1e-7]}, and the loss is {@code -sum(y * log(p))}; with {@code fromLogits},
 * {@code -sum(y * log softmax(x))}. Rows are the last axis of {@code [batch, classes]} or
 * {@code [batch, timesteps, classes]}, averaged over all rows (Keras's {@code sum_over_batch_size}). Targets are
 * one-hot (or any distribution) rows of the same shape.
 *
 * <p>On probabilities after a softmax layer the gradient is taken before the softmax, fused:
 * {@code dL/dlogits = (p - y) / rows}.
 */
public final class CategoricalCrossentropy implements Loss {
    /** Keras's {@code epsilon()}. */
    public static final double EPSILON = 1e-7;

    private final boolean fromLogits;

    /** On probabilities, as Keras's default. */
    public CategoricalCrossentropy() {
        this(false);
    }

    /**
     * @param fromLogits whether the predictions are logits rather than probabilities
     */
    public CategoricalCrossentropy(boolean fromLogits) {
        this.fromLogits = fromLogits;
    }

    /**
     * Rebuilds the loss from its {@link #config()}, as Keras's {@code from_config}: {@code from_logits} (default false,
     * so the empty config of files written before it reads as before); other keys are ignored.
     *
     * @param config the config, as read back from JSON
     * @return a new loss
     */
    public static CategoricalCrossentropy fromConfig(Map<String, Object> config) {
        return new CategoricalCrossentropy(dev.rnn4j.core.ConfigValues.optionalBoolean(config, "from_logits", false));
    }

    /** @return whether the predictions are logits */
    public boolean fromLogits() {
        return fromLogits;
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    /** @return {@code from_logits} when true; empty otherwise, as the files written before it */
    @Override
    public Map<String, Object> config() {
        return fromLogits ? Map.of("from_logits", true) : Map.of();
    }

    @Override
    public double compute(INDArray predictions, INDArray targets) {
        return compute(predictions, targets, null);
    }

    @Override
    public double compute(INDArray predictions, INDArray targets, INDArray sampleWeights) {
        int classes = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rows = p.length / classes;
        double[] weights = RowLoss.rowWeights(name(), predictions, sampleWeights, rows);
        double total = 0;
        for (int row = 0; row < rows; row++) {
            int base = row * classes;
            // a factor of exactly 1 without weights, so the unweighted sum is the same to the last bit
            double weight = weights == null ? 1.0 : weights[row];
            if (fromLogits) {
                double logSum = RowLoss.logSumExp(p, base, classes);
                for (int column = 0; column < classes; column++) {
                    total -= weight * y[base + column] * (p[base + column] - logSum);
                }
                continue;
            }
            double sum = 0;
            for (int column = 0; column < classes; column++) {
                sum += p[base + column];
            }
            for (int column = 0; column < classes; column++) {
                if (y[base + column] != 0.0) {
                    total -= weight * y[base + column] * Math.log(clip(p[base + column] / sum));
                }
            }
        }
        return total / rows;
    }

    @Override
    public void gradient(INDArray predictions, INDArray targets, INDArray out) {
        gradient(predictions, targets, null, out);
    }

    @Override
    public void gradient(INDArray predictions, INDArray targets, INDArray sampleWeights, INDArray out) {
        int classes = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rows = p.length / classes;
        double[] weights = RowLoss.rowWeights(name(), predictions, sampleWeights, rows);
        double[] gradient = new double[p.length];
        double[] byNormalized = new double[classes];
        for (int row = 0; row < rows; row++) {
            int base = row * classes;
            double weight = weights == null ? 1.0 : weights[row];
            if (fromLogits) {
                // softmax(x) * sum(y) - y
                double logSum = RowLoss.logSumExp(p, base, classes);
                double mass = 0;
                for (int column = 0; column < classes; column++) {
                    mass += y[base + column];
                }
                for (int column = 0; column < classes; column++) {
                    gradient[base + column] = weight * (Math.exp(p[base + column] - logSum) * mass - y[base + column])
                            / rows;
                }
                continue;
            }
            double sum = 0;
            for (int column = 0; column < classes; column++) {
                sum += p[base + column];
            }
            double weighted = 0;
            for (int column = 0; column < classes; column++) {
                double normalized = p[base + column] / sum;
                boolean clipped = normalized < EPSILON || normalized > 1.0 - EPSILON;
                byNormalized[column] = clipped ? 0.0 : -y[base + column] / normalized;
                weighted += byNormalized[column] * normalized;
            }
            for (int column = 0; column < classes; column++) {
                gradient[base + column] = weight * (byNormalized[column] - weighted) / sum / rows;
            }
        }
        Values.write(gradient, out);
    }

    @Override
    public boolean fusesWith(ActivationFunction outputActivation) {
        return !fromLogits && outputActivation == ActivationFunction.SOFTMAX;
    }

    @Override
    public void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray out) {
        gradientBeforeActivation(predictions, targets, null, out);
    }

    /** {@code w * (m * p - y) / rows} per row, {@code m} the row's target sum (1 for one-hot rows), {@code w} its weight. */
    @Override
    public void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray sampleWeights,
            INDArray out) {
        int classes = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rowCount = p.length / classes;
        double rows = rowCount;
        double[] weights = RowLoss.rowWeights(name(), predictions, sampleWeights, rowCount);
        double[] gradient = new double[p.length];
        if (weights == null) {
            for (int i = 0; i < p.length; i++) {
                gradient[i] = (p[i] - y[i]) / rows;
            }
        } else {
            // with targets that sum to m per row, d/dx of -sum(y log softmax(x)) is m * p - y
            for (int row = 0; row < rowCount; row++) {
                int base = row * classes;
                double mass = 0;
                for (int column = 0; column < classes; column++) {
                    mass += y[base + column];
                }
                for (int column = 0; column < classes; column++) {
                    gradient[base + column] = weights[row] * (mass * p[base + column] - y[base + column]) / rows;
                }
            }
        }
        Values.write(gradient, out);
    }

    private static double clip(double value) {
        return Math.max(EPSILON, Math.min(1.0 - EPSILON, value));
    }

    /** @return the number of classes, after checking the shapes */
    private int checkShapes(INDArray predictions, INDArray targets) {
        if (predictions.rank() < 2 || predictions.rank() > 3 || !Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException(name() + ": expected predictions and targets of the same shape"
                    + " [batch, classes] or [batch, timesteps, classes], found predictions "
                    + Arrays.toString(predictions.shape()) + " and targets " + Arrays.toString(targets.shape()));
        }
        return Math.toIntExact(predictions.size(predictions.rank() - 1));
    }
}
