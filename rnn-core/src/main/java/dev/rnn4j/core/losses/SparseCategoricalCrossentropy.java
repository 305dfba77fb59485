package dev.rnn4j.core.losses;

import static dev.rnn4j.core.ConfigValues.optionalBoolean;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.Values;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code sparse_categorical_crossentropy}: targets are class indices, {@code [batch]} for predictions
 * {@code [batch, classes]} and {@code [batch, timesteps]} for {@code [batch, timesteps, classes]} (a trailing axis of 1
 * is accepted too). On probabilities each row is divided by its sum and clipped to {@code [1e-7, 1 - 1e-7]} before the
 * log, as {@link CategoricalCrossentropy}; with {@code fromLogits}, {@code -log softmax(x)[target]}.
 */
public final class SparseCategoricalCrossentropy extends LogitsOrProbabilities {

    /** On probabilities, as Keras's default. */
    public SparseCategoricalCrossentropy() {
        this(false);
    }

    /**
     * @param fromLogits whether the predictions are logits rather than probabilities
     */
    public SparseCategoricalCrossentropy(boolean fromLogits) {
        super(fromLogits);
    }

    /**
     * @param config {@code from_logits} (default false), as Keras's {@code from_config}
     * @return a new loss
     */
    public static SparseCategoricalCrossentropy fromConfig(Map<String, Object> config) {
        return new SparseCategoricalCrossentropy(optionalBoolean(config, "from_logits", false));
    }

    @Override
    public String name() {
        return "sparse_categorical_crossentropy";
    }

    /** @return every target shape taken: class indices, with or without a trailing axis of 1 */
    @Override
    public List<Shape> targetShapes(Shape outputShape) {
        int[] dims = outputShape.dims();
        int[] withOne = dims.clone();
        withOne[dims.length - 1] = 1;
        return List.of(Shape.of(Arrays.copyOf(dims, dims.length - 1)), Shape.of(withOne));
    }

    @Override
    public boolean fusesWith(ActivationFunction outputActivation) {
        return !fromLogits && outputActivation == ActivationFunction.SOFTMAX;
    }

    /** After a softmax, {@code w * (p - onehot(target)) / rows}, the softmax's Jacobian folded in. */
    @Override
    public void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray out) {
        gradientBeforeActivation(predictions, targets, null, out);
    }

    @Override
    public void gradientBeforeActivation(INDArray predictions, INDArray targets, INDArray sampleWeights,
            INDArray out) {
        int classes = checkShapes(predictions, targets);
        double[] p = Values.of(predictions);
        double[] y = Values.of(targets);
        int rows = p.length / classes;
        double[] weights = rowWeights(name(), predictions, sampleWeights, rows);
        double[] gradient = new double[p.length];
        for (int row = 0; row < rows; row++) {
            double scale = (weights == null ? 1.0 : weights[row]) / rows;
            int target = (int) y[row];
            for (int i = 0; i < classes; i++) {
                int at = row * classes + i;
                gradient[at] = scale * (p[at] - (i == target ? 1.0 : 0.0));
            }
        }
        Values.write(gradient, out);
    }

    @Override
    int targetWidth(int width) {
        return 1;
    }

    @Override
    int checkShapes(INDArray predictions, INDArray targets) {
        long[] shape = predictions.shape();
        long[] expected = Arrays.copyOf(shape, shape.length - 1);
        long[] withOne = shape.clone();
        withOne[shape.length - 1] = 1;
        if (predictions.rank() < 2 || predictions.rank() > 3 || !(Arrays.equals(targets.shape(), expected)
                || Arrays.equals(targets.shape(), withOne))) {
            throw new IllegalArgumentException(name() + ": expected class indices of shape " + Arrays.toString(expected)
                    + " for predictions " + Arrays.toString(shape) + ", found " + Arrays.toString(targets.shape()));
        }
        int classes = Math.toIntExact(shape[shape.length - 1]);
        double[] indices = Values.of(targets);
        for (int i = 0; i < indices.length; i++) {
            double index = indices[i];
            if (index != Math.rint(index) || index < 0 || index >= classes) {
                throw new IllegalArgumentException(name() + ": expected class indices in [0, " + classes + "), found "
                        + index + " at target " + i);
            }
        }
        return classes;
    }

    @Override
    double row(double[] p, double[] y, int at, int width, int ty, double one) {
        int target = (int) y[ty];
        if (fromLogits) {
            return logSumExp(p, at, width) - p[at + target];
        }
        return -Math.log(clip(p[at + target] / sum(p, at, width), one));
    }

    @Override
    void rowGradient(double[] p, double[] y, int at, int width, int ty, double one, double scale, double[] g) {
        int target = (int) y[ty];
        if (fromLogits) {
            double logSum = logSumExp(p, at, width);
            for (int i = 0; i < width; i++) {
                g[at + i] += scale * (Math.exp(p[at + i] - logSum) - (i == target ? 1.0 : 0.0));
            }
            return;
        }
        double sum = sum(p, at, width);
        double normalized = p[at + target] / sum;
        if (normalized < CategoricalCrossentropy.EPSILON || normalized > one) {
            return;
        }
        // -log(p_t / sum): d/dp_i = 1 / sum - [i = t] / p_t
        for (int i = 0; i < width; i++) {
            g[at + i] += scale * (1.0 / sum - (i == target ? 1.0 / p[at + target] : 0.0));
        }
    }

    private static double sum(double[] p, int at, int width) {
        double sum = 0;
        for (int i = 0; i < width; i++) {
            sum += p[at + i];
        }
        return sum;
    }
}
