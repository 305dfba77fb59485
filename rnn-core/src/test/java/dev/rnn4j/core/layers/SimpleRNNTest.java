package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L1L2;
import dev.rnn4j.core.regularizers.L2;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SimpleRNN: the contract kit (gradients, shapes, count, seed, config, model file), then Keras's values and more. */
class SimpleRNNTest extends LayerContractTest<SimpleRNN> {

    @Override
    protected SimpleRNN createLayer() {
        return new SimpleRNN(3);
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(4, 2);
    }

    @Override
    protected Map<String, Supplier<SimpleRNN>> variants() {
        Map<String, Supplier<SimpleRNN>> variants = new LinkedHashMap<>();
        variants.put("return_sequences", () -> SimpleRNN.builder(2).returnSequences(true).build());
        variants.put("relu_no_bias", () -> SimpleRNN.builder(3).activation(ActivationFunction.RELU).useBias(false)
                .build());
        variants.put("dropout", () -> SimpleRNN.builder(3).dropout(0.3).returnSequences(true).build());
        variants.put("recurrent_dropout_go_backwards", () -> SimpleRNN.builder(3).dropout(0.2).recurrentDropout(0.3)
                .goBackwards(true).returnSequences(true).build());
        variants.put("regularized", () -> SimpleRNN.builder(3).kernelRegularizer(new L1(0.1))
                .recurrentRegularizer(new L2(0.2)).biasRegularizer(new L1L2(0.1, 0.1))
                .biasInitializer(Initializers.constant(0.1)).returnSequences(true).build());
        return variants;
    }

    /** Keras's own test (simple_rnn_test.py): arange(24) as (2, 3, 4), constant weights. */
    @Test
    void matchesKerasPinnedValues() {
        SimpleRNN layer = SimpleRNN.builder(4)
                .kernelInitializer(Initializers.constant(0.01))
                .recurrentInitializer(Initializers.constant(0.02))
                .biasInitializer(Initializers.constant(0.03))
                .build();
        TestSupport.buildFloat(layer, Shape.of(3, 4), 1);
        INDArray input = Nd4j.arange(24).castTo(DataType.FLOAT).reshape(2, 3, 4);

        float[][] output = layer.forward(input, false).toFloatMatrix();

        for (int unit = 0; unit < 4; unit++) {
            assertThat(output[0][unit]).isCloseTo(0.405432f, within(1e-6f));
            assertThat(output[1][unit]).isCloseTo(0.73605347f, within(1e-6f));
        }
    }

    @Test
    void returnSequencesMatchesAStepByStepReference() {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(5).returnSequences(true).build(), Shape.of(4, 3), 7);
        INDArray input = GradientCheck.randomInput(layer, 2, 3);
        INDArray output = layer.forward(input, false).dup();
        INDArray kernel = layer.parameter("kernel").value();
        INDArray recurrent = layer.parameter("recurrent_kernel").value();
        INDArray bias = layer.parameter("bias").value();

        INDArray state = Nd4j.zeros(DataType.DOUBLE, 2, 5);
        for (int t = 0; t < 4; t++) {
            INDArray x = input.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all());
            state = org.nd4j.linalg.ops.transforms.Transforms.tanh(
                    x.mmul(kernel).add(state.mmul(recurrent)).addRowVector(bias.reshape(1, 5)));
            INDArray actual = output.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all());
            assertThat(actual.equalsWithEps(state, 1e-12)).as("step %d", t).isTrue();
        }
    }

    /**
     * Inference with the last state only keeps no states (each part runs in two blocks used in turn): on 1, 2 and 3
     * threads, for batches run whole, in parts and in more parts than threads, it gives the step-by-step reference
     * (float64 in Java) and the training pass's output.
     */
    @ParameterizedTest(name = "{0} threads, batch {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 1", "1, 40", "2, 5", "2, 40", "2, 300", "3, 130", "3, 400"})
    void inferenceWithoutStoredStatesMatchesTheReferenceAndTheTrainingPass(int threads, int batch) {
        int steps = 9;
        int features = 6;
        int units = 16;
        SimpleRNN layer = new SimpleRNN(units);
        layer.setName("simple_rnn");
        layer.build(Shape.of(steps, features), new dev.rnn4j.api.BuildContext(
                new dev.rnn4j.backend.cpu.Nd4jCpuBackend(threads), DataType.FLOAT, new java.util.Random(3)));
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, steps, features).subi(0.5).muli(2);

        float[] inference = layer.forward(input, false).dup().data().asFloat();
        float[] training = layer.forward(input, true).dup().data().asFloat();

        double[] kernel = layer.parameter("kernel").value().data().asDouble();
        double[] recurrent = layer.parameter("recurrent_kernel").value().data().asDouble();
        double[] bias = layer.parameter("bias").value().data().asDouble();
        float[] x = input.data().asFloat();
        for (int b = 0; b < batch; b++) {
            double[] state = new double[units];
            for (int t = 0; t < steps; t++) {
                double[] next = new double[units];
                for (int u = 0; u < units; u++) {
                    double z = bias[u];
                    for (int f = 0; f < features; f++) {
                        z += x[(b * steps + t) * features + f] * kernel[f * units + u];
                    }
                    for (int v = 0; v < units; v++) {
                        z += state[v] * recurrent[v * units + u];
                    }
                    next[u] = Math.tanh(z);
                }
                state = next;
            }
            for (int u = 0; u < units; u++) {
                assertThat((double) inference[b * units + u]).as("sample %d unit %d", b, u)
                        .isCloseTo(state[u], within(2e-6));
                assertThat(inference[b * units + u]).as("against the training pass, sample %d unit %d", b, u)
                        .isCloseTo(training[b * units + u], within(1e-6f));
            }
        }
    }

    @Test
    void passesGradientCheckWithLastStateOnly() {
        SimpleRNN layer = TestSupport.buildDouble(new SimpleRNN(4), Shape.of(5, 3), 11);
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 3, 5));
    }

    /** One timestep: no recurrent product at all, and recurrent_kernel's gradient is exactly zero. */
    @Test
    void passesGradientCheckWithOneTimestep() {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(4).returnSequences(true).build(), Shape.of(1, 3),
                15);
        INDArray input = GradientCheck.randomInput(layer, 3, 9);
        GradientCheck.assertLayer(layer, input);
        layer.forward(input, true);
        layer.backward(Nd4j.ones(DataType.DOUBLE, 3, 1, 4), false);
        assertThat(layer.parameter("recurrent_kernel").gradient().amaxNumber().doubleValue()).isZero();
        assertThat(layer.parameter("kernel").gradient().amaxNumber().doubleValue()).isPositive();
    }

    @Test
    void passesGradientCheckWithSequences() {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(4).returnSequences(true).build(), Shape.of(5, 3),
                12);
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 3, 6));
    }

    @ParameterizedTest
    @EnumSource(value = ActivationFunction.class, names = {"LINEAR", "RELU", "SIGMOID"})
    void passesGradientCheckWithOtherActivations(ActivationFunction activation) {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(3).activation(activation).useBias(true).build(),
                Shape.of(4, 2), 13);
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 2, 7));
    }

    @Test
    void passesGradientCheckWithoutBias() {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(3).useBias(false).build(), Shape.of(4, 2), 14);
        assertThat(layer.parameters()).extracting(p -> p.name()).containsExactly("kernel", "recurrent_kernel");
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 2, 8));
    }

    @Test
    void hasKerasParameterNamesShapesAndCount() {
        SimpleRNN layer = TestSupport.buildFloat(new SimpleRNN(256), Shape.of(28, 28), 1);
        assertThat(layer.parameters()).extracting(p -> p.name())
                .containsExactly("kernel", "recurrent_kernel", "bias");
        assertThat(layer.parameter("kernel").shape()).containsExactly(28, 256);
        assertThat(layer.parameter("recurrent_kernel").shape()).containsExactly(256, 256);
        assertThat(layer.parameter("bias").shape()).containsExactly(256);
        assertThat(layer.countParams(Shape.of(28, 28))).isEqualTo(72_960);
    }

    @Test
    void dropoutUsesOneMaskPerSequenceSharedByAllTimesteps() {
        // Identity-like weights: kernel = I, recurrent = 0, linear activation, so the output holds the masked input.
        SimpleRNN layer = SimpleRNN.builder(6).dropout(0.5).activation(ActivationFunction.LINEAR).useBias(false)
                .kernelInitializer((shape, random) -> {
                    double[] values = new double[shape[0] * shape[1]];
                    for (int i = 0; i < shape[0]; i++) {
                        values[i * shape[1] + i] = 1;
                    }
                    return values;
                })
                .recurrentInitializer(Initializers.zeros())
                .returnSequences(true).build();
        TestSupport.buildFloat(layer, Shape.of(5, 6), 3);
        INDArray ones = Nd4j.ones(DataType.FLOAT, 4, 5, 6);

        INDArray output = layer.forward(ones, true).dup();

        int dropped = 0;
        for (int sample = 0; sample < 4; sample++) {
            for (int feature = 0; feature < 6; feature++) {
                double first = output.getDouble(sample, 0, feature);
                assertThat(first).isIn(0.0, 2.0);
                dropped += first == 0.0 ? 1 : 0;
                for (int t = 1; t < 5; t++) {
                    assertThat(output.getDouble(sample, t, feature)).as("same mask at every step").isEqualTo(first);
                }
            }
        }
        assertThat(dropped).isBetween(1, 23);
        INDArray inference = layer.forward(ones, false);
        assertThat(inference.equalsWithEps(ones, 0)).as("no dropout outside training").isTrue();
    }

    @Test
    void dropoutMasksTheInputGradientToo() {
        SimpleRNN layer = TestSupport.buildDouble(SimpleRNN.builder(3).dropout(0.5).build(), Shape.of(4, 5), 9);
        INDArray input = GradientCheck.randomInput(layer, 3, 2);
        INDArray output = layer.forward(input, true);
        INDArray gradient = layer.backward(Nd4j.ones(DataType.DOUBLE, output.shape()), true);
        // A feature dropped for a sample has zero gradient at every timestep.
        for (int sample = 0; sample < 3; sample++) {
            for (int feature = 0; feature < 5; feature++) {
                boolean zeroAtFirst = gradient.getDouble(sample, 0, feature) == 0.0;
                for (int t = 1; t < 4; t++) {
                    assertThat(gradient.getDouble(sample, t, feature) == 0.0).isEqualTo(zeroAtFirst);
                }
            }
        }
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatThrownBy(() -> new SimpleRNN(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("units").hasMessageContaining("0");
        assertThatThrownBy(() -> SimpleRNN.builder(3).dropout(1.0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout").hasMessageContaining("1.0");
        assertThatThrownBy(() -> SimpleRNN.builder(3).dropout(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-0.1");
    }

    @Test
    void rejectsInputOfTheWrongShapeBeforeComputing() {
        SimpleRNN layer = TestSupport.buildFloat(new SimpleRNN(4), Shape.of(28, 28), 1);
        assertThatThrownBy(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 28, 27), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("simple_rnn (SimpleRNN)")
                .hasMessageContaining("(None, 28, 28)")
                .hasMessageContaining("[2, 28, 27]");
        assertThatThrownBy(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 784), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 784]");
        assertThatThrownBy(() -> layer.outputShape(Shape.of(784)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank 3");
    }
}
