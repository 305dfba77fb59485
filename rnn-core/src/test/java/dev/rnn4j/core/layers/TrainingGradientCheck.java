package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.TestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A gradient check in training mode, for dropout: {@link GradientCheck} runs inference only, so here the layer's
 * generator is re-seeded before every forward pass and every pass draws the same masks. Same loss, nudge and thresholds
 * as {@link GradientCheck}: {@code L = sum(output * R)}, central differences of {@code ±1e-6}, relative error 1e-3
 * with an absolute floor of 1e-8.
 */
final class TrainingGradientCheck {
    private static final long MASK_SEED = 77;

    private TrainingGradientCheck() {
    }

    /**
     * Builds the layer in float64 with a generator the check controls, then checks every parameter and input entry.
     *
     * @param layer      an unbuilt layer
     * @param inputShape its input sample shape
     * @param batch      the batch size
     */
    static void assertGradients(Layer layer, Shape inputShape, int batch) {
        Random random = new Random(5);
        layer.setName(layer.typeName().toLowerCase(java.util.Locale.ROOT));
        layer.build(inputShape, new BuildContext(TestSupport.BACKEND, DataType.DOUBLE, random));
        INDArray input = GradientCheck.randomInput(layer, batch, 6);
        random.setSeed(MASK_SEED);
        INDArray output = layer.forward(input, true);
        INDArray weights = uniform(output.shape(), new Random(7));
        INDArray inputGradient = layer.backward(weights, true).dup();
        List<String> failures = new ArrayList<>();
        for (Parameter parameter : layer.parameters()) {
            compare(parameter.name(), parameter.value(), parameter.gradient().dup(), layer, input, weights, random,
                    failures);
        }
        compare("input", input, inputGradient, layer, input, weights, random, failures);
        assertThat(failures).as("training-mode gradient check of %s", layer.config()).isEmpty();
    }

    private static void compare(String name, INDArray values, INDArray analytic, Layer layer, INDArray input,
            INDArray weights, Random random, List<String> failures) {
        INDArray flat = values.reshape(values.length());
        INDArray gradient = analytic.reshape(analytic.length());
        for (long i = 0; i < flat.length(); i++) {
            double original = flat.getDouble(i);
            flat.putScalar(i, original + GradientCheck.EPSILON);
            double plus = loss(layer, input, weights, random);
            flat.putScalar(i, original - GradientCheck.EPSILON);
            double minus = loss(layer, input, weights, random);
            flat.putScalar(i, original);
            double numeric = (plus - minus) / (2 * GradientCheck.EPSILON);
            double expected = gradient.getDouble(i);
            double denominator = Math.abs(expected) + Math.abs(numeric);
            double relative = denominator == 0 ? 0 : Math.abs(expected - numeric) / denominator;
            if (Math.abs(expected - numeric) > GradientCheck.MIN_ABSOLUTE_ERROR
                    && relative > GradientCheck.MAX_RELATIVE_ERROR) {
                failures.add(name + "[" + i + "]: analytic " + expected + ", numeric " + numeric);
            }
        }
    }

    private static double loss(Layer layer, INDArray input, INDArray weights, Random random) {
        random.setSeed(MASK_SEED);
        return layer.forward(input, true).mul(weights).sumNumber().doubleValue();
    }

    /**
     * The masks a layer draws right after its generator is seeded with {@code seed}: Keras's inverted dropout, one
     * {@code nextDouble()} per entry, kept entries scaled by {@code 1 / (1 - rate)}.
     *
     * @param random the generator, positioned as the layer's
     * @param rows   the batch size
     * @param width  features or units
     * @param rate   the dropout rate
     * @return the mask {@code [rows][width]}
     */
    static double[][] mask(Random random, int rows, int width, double rate) {
        double[][] mask = new double[rows][width];
        float keep = (float) (1.0 / (1.0 - rate));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                mask[r][c] = random.nextDouble() >= rate ? keep : 0.0;
            }
        }
        return mask;
    }

    private static INDArray uniform(long[] shape, Random random) {
        double[] values = new double[Math.toIntExact(Shape.ofBatch(shape).size() * shape[0])];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return Nd4j.create(values, shape, 'c').castTo(DataType.DOUBLE);
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
