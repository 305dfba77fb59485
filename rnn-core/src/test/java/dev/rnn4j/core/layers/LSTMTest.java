package dev.rnn4j.core.layers;

import static dev.rnn4j.core.layers.TrainingGradientCheck.sigmoid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Initializer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.io.LayerRegistry;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L1L2;
import dev.rnn4j.core.regularizers.L2;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** LSTM: the contract kit, Keras's own pinned values, a hand-worked case and an independent double-loop reference. */
class LSTMTest extends LayerContractTest<LSTM> {

    @Override
    protected LSTM createLayer() {
        return new LSTM(3);
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(4, 2);
    }

    @Override
    protected Map<String, Supplier<LSTM>> variants() {
        Map<String, Supplier<LSTM>> variants = new LinkedHashMap<>();
        variants.put("return_sequences", () -> LSTM.builder(2).returnSequences(true).build());
        variants.put("no_bias", () -> LSTM.builder(2).useBias(false).build());
        variants.put("dropout_and_recurrent_dropout", () -> LSTM.builder(3).dropout(0.3).recurrentDropout(0.4)
                .returnSequences(true).build());
        variants.put("go_backwards_sequences", () -> LSTM.builder(2).goBackwards(true)
                .returnSequences(true).build());
        variants.put("regularized", () -> LSTM.builder(2).kernelRegularizer(new L2(0.3))
                .recurrentRegularizer(new L1(0.1)).biasRegularizer(new L1L2(0.05, 0.2)).build());
        return variants;
    }

    /** Keras's own test (keras/src/layers/rnn/lstm_test.py, test_correctness): arange(72) as (3, 6, 4). */
    @Test
    void matchesKerasPinnedValues() {
        assertKerasRows(constantLayer().build(), 0.6288687, 0.86899155, 0.9460773);
        assertKerasRows(constantLayer().unitForgetBias(false).build(), 0.57019705, 0.8661914, 0.9459622);
        assertKerasRows(constantLayer().useBias(false).build(), 0.54986924, 0.86226785, 0.9443936);
    }

    private static LSTM.Builder constantLayer() {
        return LSTM.builder(3).kernelInitializer(Initializers.constant(0.01))
                .recurrentInitializer(Initializers.constant(0.02)).biasInitializer(Initializers.constant(0.03));
    }

    private static void assertKerasRows(LSTM layer, double... rows) {
        TestSupport.buildFloat(layer, Shape.of(6, 4), 1);
        INDArray input = Nd4j.arange(72).castTo(DataType.FLOAT).reshape(3, 6, 4);
        float[][] output = layer.forward(input, false).toFloatMatrix();
        for (int sample = 0; sample < 3; sample++) {
            for (int unit = 0; unit < 3; unit++) {
                assertThat((double) output[sample][unit]).as("sample %d unit %d", sample, unit)
                        .isCloseTo(rows[sample], within(1e-5));
            }
        }
    }

    /**
     * One unit, one feature, two steps of x = 1; kernel 0.5 for every gate, recurrent kernel and bias 0:
     * <pre>
     * z_i = z_f = z_c = z_o = 0.5 at both steps (h enters only through the zero recurrent kernel)
     * i = f = o = σ(0.5) = 0.6224593312,  g = tanh(0.5) = 0.4621171573
     * c_1 = f * 0 + i * g = 0.6224593312 * 0.4621171573 = 0.2876491366
     * h_1 = o * tanh(c_1) = 0.6224593312 * 0.2799696461 = 0.1742697187
     * c_2 = f * c_1 + i * g = 0.6224593312 * 0.2876491366 + 0.2876491366 = 0.4666990259
     * h_2 = o * tanh(c_2) = 0.6224593312 * 0.4355283354 = 0.2710986764
     * </pre>
     */
    @Test
    void matchesAHandWorkedCase() {
        LSTM layer = LSTM.builder(1).kernelInitializer(Initializers.constant(0.5))
                .recurrentInitializer(Initializers.zeros()).unitForgetBias(false).returnSequences(true).build();
        TestSupport.buildDouble(layer, Shape.of(2, 1), 1);
        INDArray output = layer.forward(Nd4j.ones(DataType.DOUBLE, 1, 2, 1), false);
        assertThat(output.getDouble(0, 0, 0)).isCloseTo(0.1742697187, within(1e-10));
        assertThat(output.getDouble(0, 1, 0)).isCloseTo(0.2710986764, within(1e-10));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void matchesAnIndependentDoubleLoopReference(boolean returnSequences) {
        LSTM layer = LSTM.builder(3).biasInitializer(uniform()).returnSequences(returnSequences).build();
        TestSupport.buildDouble(layer, Shape.of(5, 4), 3);
        INDArray input = GradientCheck.randomInput(layer, 2, 4);

        INDArray output = layer.forward(input, false);

        double[][][] expected = reference(layer, input, null, null);
        assertMatches(output, expected, returnSequences, 1e-12);
    }

    @Test
    void float32MatchesTheFloat64Reference() {
        LSTM layer = LSTM.builder(4).biasInitializer(uniform()).returnSequences(true).build();
        TestSupport.buildFloat(layer, Shape.of(5, 3), 3);
        INDArray input = GradientCheck.randomInput(layer, 3, 4).castTo(DataType.FLOAT);
        INDArray output = layer.forward(input, false);
        assertMatches(output, reference(layer, input.castTo(DataType.DOUBLE), null, null), true, 1e-5);
    }

    /**
     * Keras's dropout: one input mask per sequence for every timestep and gate; one recurrent mask per sequence on
     * {@code h_{t-1}} where it enters the recurrent product only. The reference draws the masks as the layer does.
     */
    @Test
    void dropoutMatchesTheReferenceWithKerasMasks() {
        Random random = new Random(9);
        LSTM layer = LSTM.builder(3).dropout(0.4).recurrentDropout(0.5).biasInitializer(uniform())
                .returnSequences(true).build();
        layer.setName("lstm");
        layer.build(Shape.of(4, 5), new BuildContext(TestSupport.BACKEND, DataType.DOUBLE, random));
        INDArray input = GradientCheck.randomInput(layer, 3, 10);

        random.setSeed(123);
        INDArray output = layer.forward(input, true).dup();

        Random masks = new Random(123);
        double[][] inputMask = TrainingGradientCheck.mask(masks, 3, 5, 0.4);
        double[][] recurrentMask = TrainingGradientCheck.mask(masks, 3, 3, 0.5);
        assertMatches(output, reference(layer, input, inputMask, recurrentMask), true, 1e-12);
        INDArray inference = layer.forward(input, false);
        assertMatches(inference, reference(layer, input, null, null), true, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void passesTheGradientCheckWithDropoutInTraining(boolean returnSequences) {
        TrainingGradientCheck.assertGradients(LSTM.builder(3).dropout(0.3).recurrentDropout(0.4)
                .biasInitializer(uniform()).returnSequences(returnSequences).build(), Shape.of(4, 3), 3);
    }

    @Test
    void passesTheGradientCheckWithOtherActivations() {
        LSTM layer = TestSupport.buildDouble(LSTM.builder(2).activation(ActivationFunction.RELU)
                .recurrentActivation(ActivationFunction.TANH).returnSequences(true).build(), Shape.of(3, 2), 13);
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 2, 7));
    }

    @Test
    void hasKerasParameterNamesShapesAndCount() {
        LSTM layer = TestSupport.buildFloat(new LSTM(256), Shape.of(28, 28), 1);
        assertThat(layer.parameters()).extracting(p -> p.name()).containsExactly("kernel", "recurrent_kernel", "bias");
        assertThat(layer.parameter("kernel").shape()).containsExactly(28, 1024);
        assertThat(layer.parameter("recurrent_kernel").shape()).containsExactly(256, 1024);
        assertThat(layer.parameter("bias").shape()).containsExactly(1024);
        // Keras: 4 * units * (features + units + 1) = 4 * 256 * 285
        assertThat(layer.countParams(Shape.of(28, 28))).isEqualTo(291_840);
        assertThat(LSTM.builder(256).useBias(false).build().countParams(Shape.of(28, 28))).isEqualTo(290_816);
    }

    @Test
    void unitForgetBiasStartsTheForgetSliceAtOneAndTheRecurrentKernelIsOrthogonal() {
        LSTM layer = TestSupport.buildDouble(new LSTM(3), Shape.of(2, 4), 1);
        assertThat(layer.parameter("bias").value().toDoubleVector())
                .containsExactly(0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        double[][] recurrent = layer.parameter("recurrent_kernel").value().toDoubleMatrix();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < 12; k++) {
                    dot += recurrent[i][k] * recurrent[j][k];
                }
                assertThat(dot).as("row %d . row %d", i, j).isCloseTo(i == j ? 1.0 : 0.0, within(1e-12));
            }
        }
        LSTM plain = TestSupport.buildDouble(LSTM.builder(3).unitForgetBias(false).build(), Shape.of(2, 4), 1);
        assertThat(plain.parameter("bias").value().toDoubleVector()).containsOnly(0.0);
    }

    @Test
    void theRegistryRebuildsItWithKerasDefaultsForMissingKeys() {
        LSTM layer = (LSTM) LayerRegistry.create("LSTM", Map.of("units", 5));
        assertThat(layer.config()).isEqualTo(new LSTM(5).config());
        assertThat(layer.config()).containsEntry("recurrent_activation", "sigmoid")
                .containsEntry("unit_forget_bias", true).containsEntry("recurrent_dropout", 0.0);
        assertThatThrownBy(() -> LayerRegistry.create("LSTM", Map.of("units", 2, "recurrent_activation", "swish")))
                .hasMessageContaining("recurrent_activation").hasMessageContaining("swish");
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatThrownBy(() -> new LSTM(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("units").hasMessageContaining("0");
        assertThatThrownBy(() -> LSTM.builder(2).dropout(1.0).build()).hasMessageContaining("dropout")
                .hasMessageContaining("1.0");
        assertThatThrownBy(() -> LSTM.builder(2).recurrentDropout(-0.5).build())
                .hasMessageContaining("recurrent_dropout").hasMessageContaining("-0.5");
        assertThatThrownBy(() -> LSTM.builder(2).recurrentActivation(ActivationFunction.SOFTMAX).build())
                .hasMessageContaining("recurrent_activation").hasMessageContaining("softmax");
        LSTM layer = TestSupport.buildFloat(new LSTM(2), Shape.of(3, 4), 1);
        assertThatThrownBy(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 3, 5), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lstm (LSTM)")
                .hasMessageContaining("(None, 3, 4)").hasMessageContaining("[2, 3, 5]");
    }

    // ------------------------------------------------------------------------------------------ the reference

    /** Bias values spread around zero, so every slice of the bias matters in the references. */
    static Initializer uniform() {
        return (shape, random) -> {
            int size = 1;
            for (int dim : shape) {
                size *= dim;
            }
            double[] values = new double[size];
            for (int i = 0; i < size; i++) {
                values[i] = random.nextDouble() - 0.5;
            }
            return values;
        };
    }

    /**
     * Keras's LSTM written out with plain loops over the layer's weights, with optional dropout masks.
     *
     * @return {@code [batch][timesteps][units]}, every state
     */
    private static double[][][] reference(LSTM layer, INDArray input, double[][] inputMask,
            double[][] recurrentMask) {
        double[][] kernel = layer.parameter("kernel").value().toDoubleMatrix();
        double[][] recurrent = layer.parameter("recurrent_kernel").value().toDoubleMatrix();
        double[] bias = layer.parameter("bias") == null ? null : layer.parameter("bias").value().toDoubleVector();
        int units = layer.units();
        int batch = (int) input.size(0);
        int steps = (int) input.size(1);
        int features = (int) input.size(2);
        double[][][] states = new double[batch][steps][units];
        for (int n = 0; n < batch; n++) {
            double[] h = new double[units];
            double[] c = new double[units];
            for (int t = 0; t < steps; t++) {
                double[] z = new double[4 * units];
                for (int j = 0; j < 4 * units; j++) {
                    double sum = bias == null ? 0 : bias[j];
                    for (int k = 0; k < features; k++) {
                        double x = input.getDouble(n, t, k) * (inputMask == null ? 1 : inputMask[n][k]);
                        sum += x * kernel[k][j];
                    }
                    for (int k = 0; k < units; k++) {
                        sum += h[k] * (recurrentMask == null ? 1 : recurrentMask[n][k]) * recurrent[k][j];
                    }
                    z[j] = sum;
                }
                for (int u = 0; u < units; u++) {
                    double i = sigmoid(z[u]);
                    double f = sigmoid(z[units + u]);
                    double g = Math.tanh(z[2 * units + u]);
                    double o = sigmoid(z[3 * units + u]);
                    c[u] = f * c[u] + i * g;
                    h[u] = o * Math.tanh(c[u]);
                }
                states[n][t] = h.clone();
            }
        }
        return states;
    }

    static void assertMatches(INDArray output, double[][][] expected, boolean sequences, double tolerance) {
        int batch = expected.length;
        int steps = expected[0].length;
        int units = expected[0][0].length;
        for (int n = 0; n < batch; n++) {
            for (int t = sequences ? 0 : steps - 1; t < steps; t++) {
                for (int u = 0; u < units; u++) {
                    double actual = sequences ? output.getDouble(n, t, u) : output.getDouble(n, u);
                    assertThat(actual).as("sample %d step %d unit %d", n, t, u)
                            .isCloseTo(expected[n][t][u], within(tolerance));
                }
            }
        }
    }
}
