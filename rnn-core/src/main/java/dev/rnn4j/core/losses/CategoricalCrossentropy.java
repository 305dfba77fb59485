package dev.rnn4j.core.losses;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Loss;
import dev.rnn4j.core.Values;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code categorical_crossentropy} on probabilities: each row of the predictions is divided by its sum, clipped
 * to {@code [1e-7, 1 - 1e-7]}, and the loss is {@code -sum(y * log(p))} averaged over the batch. Targets are one-hot
 * (or any distribution) rows of {@code [batch, classes]}.
 *
 * <p>After a softmax layer the gradient is taken before the softmax, fused: {@code dL/dlogits = (p - y) / batch}.
 */
public final class CategoricalCrossentropy implements Loss {
    /** Keras's {@code epsilon()}. */
    public static final double EPSILON = 1e-7;

    /**
     * Rebuilds the loss from its {@link #config()}, as Keras's {@code from_config}. It takes no arguments: the config is
     * empty, and other keys are ignored.
     *
     * @param config the config, as read back from JSON
     * @return a new loss
     */
    public static CategoricalCrossentropy fromConfig(Map<String, Object> config) {
        return new CategoricalCrossentropy();
    }

    @Override
    public String name() {
        return "categorical_crossentropy";
    }

    @Override
    public double compute(INDArray predictions, INDArray targets) {
        checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int batch = Math.toIntExact(predictions.size(0));
        int classes = Math.toIntExact(predictions.size(1));
        double total = 0;
        for (int row = 0; row < batch; row++) {
            int base = row * classes;
            double sum = 0;
            for (int column = 0; column < classes; column++) {
                sum += p[base + column];
            }
            for (int column = 0; column < classes; column++) {
                if (y[base + column] != 0.0) {
                    total -= y[base + column] * Math.log(clip(p[base + column] / sum));
                }
            }
        }
        return total / batch;
    }

    @Override
    public void gradient(INDArray predictions, INDArray targets, INDArray out) {
        checkShapes(predictions, targets);
        double[][] p = predictions.toDoubleMatrix();
        double[][] y = targets.toDoubleMatrix();
        int batch = p.length;
        double[][] gradient = new double[batch][];
        for (int row = 0; row < batch; row++) {
            int classes = p[row].length;
            double sum = rowSum(p[row]);
            double[] byNormalized = new double[classes];
            double weighted = 0;
            for (int column = 0; column < classes; column++) {
                double normalized = p[row][column] / sum;
                boolean clipped = normalized < EPSILON || normalized > 1.0 - EPSILON;
                byNormalized[column] = clipped ? 0.0 : -y[row][column] / normalized;
                weighted += byNormalized[column] * normalized;
            }
            gradient[row] = new double[classes];
            for (int column = 0; column < classes; column++) {
                gradient[row][column] = (byNormalized[column] - weighted) / sum / batch;
            }
        }
        out.assign(org.nd4j.linalg.factory.Nd4j.create(gradient).castTo(out.dataType()));
    }

    @Override
    public boolean fusesWith(ActivationFunction outputActivation) {
        return outputActivation == ActivationFunction.SOFTMAX;
    }

    @Override
    public void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray out) {
        checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        double batch = predictions.size(0);
        double[] gradient = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            gradient[i] = (p[i] - y[i]) / batch;
        }
        Values.write(gradient, out);
    }

    private static double clip(double value) {
        return Math.max(EPSILON, Math.min(1.0 - EPSILON, value));
    }

    private static double rowSum(double[] row) {
        double sum = 0;
        for (double value : row) {
            sum += value;
        }
        return sum;
    }

    private void checkShapes(INDArray predictions, INDArray targets) {
        if (predictions.rank() != 2 || !Arrays.equals(predictions.shape(), targets.shape())) {
            throw new IllegalArgumentException(name() + ": expected predictions and targets of the same shape"
                    + " [batch, classes], found predictions " + Arrays.toString(predictions.shape()) + " and targets "
                    + Arrays.toString(targets.shape()));
        }
    }
}
