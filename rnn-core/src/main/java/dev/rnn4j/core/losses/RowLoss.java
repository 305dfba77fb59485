package dev.rnn4j.core.losses;

import dev.rnn4j.api.Loss;
import dev.rnn4j.core.Values;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss taken over the last axis of {@code [batch, features]} or {@code [batch, timesteps, features]} and averaged
 * over the rest, as Keras's {@code sum_over_batch_size} reduction: for {@code [batch, timesteps, classes]} every
 * timestep of every sample is one row of the mean. Arithmetic in double; the clip bounds of the probability losses
 * follow the predictions' type, as Keras's {@code epsilon()} does in float32.
 */
abstract class RowLoss implements Loss {

    /**
     * @param p     the predictions
     * @param y     the targets, laid out as {@link #targetWidth} says
     * @param at    the row's first prediction
     * @param width the row's length
     * @param ty    the row's first target
     * @param one   the largest probability kept by clipping, {@code 1 - epsilon} in the predictions' type
     * @return the loss of one row
     */
    abstract double row(double[] p, double[] y, int at, int width, int ty, double one);

    /** Adds {@code scale} times the gradient of {@link #row} with respect to the row's predictions to {@code g}. */
    abstract void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale,
            double[] g);

    /** @return the targets per row: the row's width (the default), or 1 for class indices */
    int targetWidth(int width) {
        return width;
    }

    @Override
    public double compute(INDArray predictions, INDArray targets) {
        return compute(predictions, targets, null);
    }

    @Override
    public double compute(INDArray predictions, INDArray targets, INDArray sampleWeights) {
        int width = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rows = p.length / width;
        double[] weights = rowWeights(name(), predictions, sampleWeights, rows);
        double one = one(predictions);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double loss = row(p, y, r * width, width, r * targetWidth(width), one);
            total += weights == null ? loss : weights[r] * loss;
        }
        return total / rows;
    }

    @Override
    public void gradient(INDArray predictions, INDArray targets, INDArray out) {
        gradient(predictions, targets, null, out);
    }

    @Override
    public void gradient(INDArray predictions, INDArray targets, INDArray sampleWeights, INDArray out) {
        int width = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rows = p.length / width;
        double[] weights = rowWeights(name(), predictions, sampleWeights, rows);
        double one = one(predictions);
        double[] g = new double[p.length];
        for (int r = 0; r < rows; r++) {
            double scale = (weights == null ? 1.0 : weights[r]) / rows;
            rowGradient(p, y, r * width, width, r * targetWidth(width), one, scale, g);
        }
        Values.write(g, out);
    }

    /**
     * @return one weight per row: a single weight for all, one per sample repeated over its timesteps, or one per row;
     *         null without weights
     */
    static double[] rowWeights(String name, INDArray predictions, INDArray sampleWeights, int rows) {
        if (sampleWeights == null) {
            return null;
        }
        double[] given = Values.of(sampleWeights);
        int batch = Math.toIntExact(predictions.size(0));
        if (given.length != 1 && given.length != batch && given.length != rows) {
            throw new IllegalArgumentException(name + ": expected sample weights of one value, [" + batch
                    + "] (per sample) or " + Arrays.toString(Arrays.copyOf(predictions.shape(), predictions.rank() - 1))
                    + " (per row), found " + Arrays.toString(sampleWeights.shape()));
        }
        double[] weights = new double[rows];
        int perSample = rows / batch;
        for (int r = 0; r < rows; r++) {
            weights[r] = given.length == 1 ? given[0] : given.length == rows ? given[r] : given[r / perSample];
        }
        return weights;
    }

    /** @return {@code 1 - 1e-7} as the predictions' type holds it (float32: 0.99999988) */
    static double one(INDArray predictions) {
        double one = 1.0 - CategoricalCrossentropy.EPSILON;
        return predictions.dataType() == DataType.DOUBLE ? one : (double) (float) one;
    }

    /** @return {@code log(sum(exp(p[at .. at + width))))}, the maximum taken out first */
    static double logSumExp(double[] p, int at, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < width; i++) {
            max = Math.max(max, p[at + i]);
        }
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += Math.exp(p[at + i] - max);
        }
        return max + Math.log(sum);
    }

    static double clip(double value, double one) {
        return Math.max(CategoricalCrossentropy.EPSILON, Math.min(one, value));
    }

    /** @return the last axis's length, after checking the targets' shape */
    int checkShapes(INDArray predictions, INDArray targets) {
        if (predictions.rank() < 2 || predictions.rank() > 3 || !Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException(name() + ": expected predictions and targets of the same shape,"
                    + " [batch, features] or [batch, timesteps, features], found predictions "
                    + Arrays.toString(predictions.shape()) + " and targets " + Arrays.toString(targets.shape()));
        }
        return Math.toIntExact(predictions.size(predictions.rank() - 1));
    }
}
