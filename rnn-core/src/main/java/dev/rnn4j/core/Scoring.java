package dev.rnn4j.core;

import dev.rnn4j.api.Loss;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.metrics.Metrics;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How targets, masks and weights meet the loss, as Keras does it: a mask becomes loss weights
 * ({@code keras.losses.loss.apply_mask}), a {@code class_weight} becomes sample weights
 * ({@code class_weight_to_sample_weights}).
 */
final class Scoring {
    private Scoring() {
    }

    /**
     * @param loss   the compiled loss
     * @param output the output's sample shape
     * @param y      a target array
     * @return whether its sample shape is one the loss takes for the output
     */
    static boolean fits(Loss loss, Shape output, INDArray y) {
        return y.rank() >= 1 && y.length() > 0 && loss.targetShapes(output).contains(Shape.ofBatch(y.shape()));
    }

    /**
     * @param loss   the compiled loss
     * @param output the output's sample shape
     * @return the target shapes the loss takes, for messages: {@code (None, 3)} or {@code (None, 5) or (None, 5, 1)}
     */
    static String expectedTargets(Loss loss, Shape output) {
        return loss.targetShapes(output).stream().map(Shape::toString).collect(Collectors.joining(" or "));
    }

    /**
     * The weights of an output's rows for the loss: the sample weights times the mask, the mask scaled so that the
     * mean over all rows is the mean over the unmasked ones ({@code total / valid}, 0 when nothing is valid).
     *
     * @param output        the output batch
     * @param mask          {@code [batch, timesteps]} of a {@code [batch, timesteps, features]} output, or null
     * @param sampleWeights {@code [batch]} or {@code [batch, timesteps]}, or null
     * @param outputName    the output, for messages
     * @return the weights to give the loss, or null for none
     */
    static INDArray lossWeights(INDArray output, INDArray mask, INDArray sampleWeights, String outputName) {
        if (mask == null) {
            return sampleWeights;
        }
        double[] m = maskValues(output, mask, outputName);
        long valid = Arrays.stream(m).filter(value -> value != 0.0).count();
        double scale = valid == 0 ? 0.0 : (double) m.length / valid;
        double[] weights = new double[m.length];
        double[] given = sampleWeights == null ? null : Values.of(sampleWeights);
        int perSample = m.length / Math.toIntExact(output.size(0));
        for (int r = 0; r < m.length; r++) {
            double base = given == null ? 1.0 : given.length == m.length ? given[r] : given[r / perSample];
            weights[r] = m[r] != 0.0 ? scale * base : 0.0;
        }
        return Nd4j.create(weights, new long[] {output.size(0), perSample}, 'c');
    }

    /** @return the mask's values, one per output row, after checking that it has one per row */
    static double[] maskValues(INDArray output, INDArray mask, String outputName) {
        long rows = output.length() / output.size(output.rank() - 1);
        if (output.rank() != 3 || mask.rank() != 2 || mask.size(0) != output.size(0) || mask.length() != rows) {
            throw new IllegalArgumentException("the mask of " + outputName + " has shape "
                    + Arrays.toString(mask.shape()) + ", but the output " + Arrays.toString(output.shape())
                    + " needs one value per timestep, [" + output.size(0) + ", " + output.size(1) + "]");
        }
        return Values.of(mask);
    }

    /**
     * Keras's {@code class_weight}: each sample's (or, for per-timestep targets, each row's) weight is the weight of
     * its class, 1 for classes not listed.
     *
     * @param classWeight weights by class index
     * @param loss        the compiled loss
     * @param output      the output's sample shape
     * @param y           the targets, one-hot or class indices
     * @return {@code [samples]} or {@code [samples, timesteps]} weights
     * @throws IllegalArgumentException for a class outside the output's classes
     */
    static INDArray classWeights(Map<Integer, Double> classWeight, Loss loss, Shape output, INDArray y) {
        int classes = output.last() == 1 ? 2 : output.last();
        for (int key : classWeight.keySet()) {
            if (key < 0 || key >= classes) {
                throw new IllegalArgumentException("class_weight: class " + key + " is not a class of the output "
                        + output + "; expected classes in [0, " + classes + ")");
            }
        }
        Metrics.TargetKind kind = Metrics.targetKind(loss, output);
        double[] values = Values.of(y);
        int width = kind == Metrics.TargetKind.SPARSE ? 1 : output.last();
        int rows = values.length / width;
        double[] weights = new double[rows];
        for (int r = 0; r < rows; r++) {
            int label = switch (kind) {
                case SPARSE -> (int) Math.rint(values[r]);
                case BINARY -> width == 1 ? (int) Math.rint(values[r]) : Metrics.argmax(values, r * width, width);
                case CATEGORICAL -> Metrics.argmax(values, r * width, width);
            };
            weights[r] = classWeight.getOrDefault(label, 1.0);
        }
        long samples = y.size(0);
        return rows == samples ? Nd4j.create(weights, new long[] {samples}, 'c')
                : Nd4j.create(weights, new long[] {samples, rows / samples}, 'c');
    }

    /**
     * Checks {@code sample_weight} against the targets.
     *
     * @param sampleWeight the weights
     * @param output       the output's sample shape
     * @param samples      the number of samples
     * @return the weights as float64, contiguous
     */
    static INDArray checkSampleWeights(INDArray sampleWeight, Shape output, long samples) {
        long[] shape = sampleWeight.shape();
        boolean perSample = shape.length == 1 && shape[0] == samples;
        boolean perRow = shape.length == 2 && shape[0] == samples && output.rank() == 2 && shape[1] == output.dim(0);
        if (!perSample && !perRow) {
            throw new IllegalArgumentException("sample_weight: expected shape [" + samples + "] (one per sample)"
                    + (output.rank() == 2 ? " or [" + samples + ", " + output.dim(0) + "] (one per timestep)" : "")
                    + ", found " + Arrays.toString(shape));
        }
        double[] values = Values.of(sampleWeight);
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0.0) || Double.isInfinite(values[i])) {
                throw new IllegalArgumentException("sample_weight: expected finite weights of at least 0, found "
                        + values[i] + " at index " + i);
            }
        }
        return Nd4j.create(values, shape, 'c').castTo(DataType.DOUBLE);
    }
}
