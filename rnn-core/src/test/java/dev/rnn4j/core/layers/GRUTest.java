package dev.rnn4j.core.layers;

import static dev.rnn4j.core.layers.LSTMTest.assertMatches;
import static dev.rnn4j.core.layers.LSTMTest.uniform;
import static dev.rnn4j.core.layers.TrainingGradientCheck.sigmoid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.GradientCheck;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.io.LayerRegistry;
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

/** GRU: the contract kit, Keras's own pinned values, a hand-worked case and an independent double-loop reference. */
class GRUTest extends LayerContractTest<GRU> {

    @Override
    protected GRU createLayer() {
        return new GRU(3);
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(4, 2);
    }

    @Override
    protected Map<String, Supplier<GRU>> variants() {
        Map<String, Supplier<GRU>> variants = new LinkedHashMap<>();
        variants.put("return_sequences", () -> GRU.builder(2).returnSequences(true).biasInitializer(uniform())
                .build());
        variants.put("no_bias", () -> GRU.builder(2).useBias(false).build());
        variants.put("dropout_and_recurrent_dropout", () -> GRU.builder(3).dropout(0.3).recurrentDropout(0.4)
                .returnSequences(true).build());
        variants.put("go_backwards", () -> GRU.builder(2).goBackwards(true).build());
        variants.put("regularized", () -> GRU.builder(2).kernelRegularizer(new L1L2(0.1, 0.1))
                .recurrentRegularizer(new L2(0.3)).biasRegularizer(new L2(0.2)).biasInitializer(uniform()).build());
        return variants;
    }

    /** Keras's own test (keras/src/layers/rnn/gru_test.py, test_correctness): arange(72) as (3, 6, 4). */
    @Test
    void matchesKerasPinnedValues() {
        assertKerasRows(constantLayer().build(), 0.5217289, 0.6371659, 0.39384964);
        assertKerasRows(constantLayer().useBias(false).build(), 0.49988455, 0.64701194, 0.4103359);
    }

    private static GRU.Builder constantLayer() {
        return GRU.builder(3).kernelInitializer(Initializers.constant(0.01))
                .recurrentInitializer(Initializers.constant(0.02)).biasInitializer(Initializers.constant(0.03));
    }

    private static void assertKerasRows(GRU layer, double... rows) {
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
     * One unit, one feature, two steps of x = 1; kernel 0.5 for every gate, recurrent kernel 0, input bias 0 and
     * recurrent bias {@code [0, 0, 0.5]}, so r_h = 0.5 whatever the state (this is where reset_after shows):
     * <pre>
     * z = r = σ(0.5 + 0) = 0.6224593312 at both steps,  1 - z = 0.3775406688
     * hh = tanh(0.5 + r * 0.5) = tanh(0.8112296656) = 0.6702680449 at both steps
     * h_1 = z * 0 + (1 - z) * hh = 0.3775406688 * 0.6702680449 = 0.2530534459
     * h_2 = z * h_1 + (1 - z) * hh = 0.6224593312 * 0.2530534459 + 0.2530534459 = 0.4105689246
     * </pre>
     */
    @Test
    void matchesAHandWorkedCase() {
        GRU layer = GRU.builder(1).kernelInitializer(Initializers.constant(0.5))
                .recurrentInitializer(Initializers.zeros())
                .biasInitializer((shape, random) -> new double[] {0, 0, 0, 0, 0, 0.5})
                .returnSequences(true).build();
        TestSupport.buildDouble(layer, Shape.of(2, 1), 1);
        INDArray output = layer.forward(Nd4j.ones(DataType.DOUBLE, 1, 2, 1), false);
        assertThat(output.getDouble(0, 0, 0)).isCloseTo(0.2530534459, within(1e-10));
        assertThat(output.getDouble(0, 1, 0)).isCloseTo(0.4105689246, within(1e-10));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void matchesAnIndependentDoubleLoopReference(boolean returnSequences) {
        GRU layer = GRU.builder(3).biasInitializer(uniform()).returnSequences(returnSequences).build();
        TestSupport.buildDouble(layer, Shape.of(5, 4), 3);
        INDArray input = GradientCheck.randomInput(layer, 2, 4);

        INDArray output = layer.forward(input, false);

        assertMatches(output, reference(layer, input, null, null), returnSequences, 1e-12);
    }

    @Test
    void float32MatchesTheFloat64Reference() {
        GRU layer = GRU.builder(4).biasInitializer(uniform()).returnSequences(true).build();
        TestSupport.buildFloat(layer, Shape.of(5, 3), 3);
        INDArray input = GradientCheck.randomInput(layer, 3, 4).castTo(DataType.FLOAT);
        INDArray output = layer.forward(input, false);
        assertMatches(output, reference(layer, input.castTo(DataType.DOUBLE), null, null), true, 1e-5);
    }

    /**
     * Keras's dropout: one input mask per sequence for every timestep and gate; one recurrent mask per sequence on
     * {@code h_{t-1}} where it enters the recurrent product, while the blend {@code z * h_{t-1}} uses the unmasked
     * state.
     * The reference draws the masks as the layer does.
     */
    @Test
    void dropoutMatchesTheReferenceWithKerasMasks() {
        Random random = new Random(9);
        GRU layer = GRU.builder(3).dropout(0.4).recurrentDropout(0.5).biasInitializer(uniform())
                .returnSequences(true).build();
        layer.setName("gru");
        layer.build(Shape.of(4, 5), new BuildContext(TestSupport.BACKEND, DataType.DOUBLE, random));
        INDArray input = GradientCheck.randomInput(layer, 3, 10);

        random.setSeed(123);
        INDArray output = layer.forward(input, true).dup();

        Random masks = new Random(123);
        double[][] inputMask = TrainingGradientCheck.mask(masks, 3, 5, 0.4);
        double[][] recurrentMask = TrainingGradientCheck.mask(masks, 3, 3, 0.5);
        assertMatches(output, reference(layer, input, inputMask, recurrentMask), true, 1e-12);
        assertMatches(layer.forward(input, false), reference(layer, input, null, null), true, 1e-12);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void passesTheGradientCheckWithDropoutInTraining(boolean returnSequences) {
        TrainingGradientCheck.assertGradients(GRU.builder(3).dropout(0.3).recurrentDropout(0.4)
                .biasInitializer(uniform()).returnSequences(returnSequences).build(), Shape.of(4, 3), 3);
    }

    @Test
    void passesTheGradientCheckWithOtherActivations() {
        GRU layer = TestSupport.buildDouble(GRU.builder(2).activation(ActivationFunction.RELU)
                .recurrentActivation(ActivationFunction.TANH).biasInitializer(uniform()).returnSequences(true)
                .build(), Shape.of(3, 2), 13);
        GradientCheck.assertLayer(layer, GradientCheck.randomInput(layer, 2, 7));
    }

    @Test
    void hasKerasParameterNamesShapesAndCount() {
        GRU layer = TestSupport.buildFloat(new GRU(256), Shape.of(28, 28), 1);
        assertThat(layer.parameters()).extracting(p -> p.name()).containsExactly("kernel", "recurrent_kernel", "bias");
        assertThat(layer.parameter("kernel").shape()).containsExactly(28, 768);
        assertThat(layer.parameter("recurrent_kernel").shape()).containsExactly(256, 768);
        assertThat(layer.parameter("bias").shape()).containsExactly(2, 768);
        // Keras (reset_after=True): 3 * units * (features + units) + 2 * 3 * units = 3 * 256 * 284 + 1536
        assertThat(layer.countParams(Shape.of(28, 28))).isEqualTo(219_648);
        assertThat(GRU.builder(256).useBias(false).build().countParams(Shape.of(28, 28))).isEqualTo(218_112);
    }

    @Test
    void theRegistryRebuildsItAndRejectsResetBefore() {
        GRU layer = (GRU) LayerRegistry.create("GRU", Map.of("units", 5));
        assertThat(layer.config()).isEqualTo(new GRU(5).config()).containsEntry("reset_after", true);
        assertThatThrownBy(() -> LayerRegistry.create("GRU", Map.of("units", 5, "reset_after", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reset_after")
                .hasMessageContaining("false");
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThatThrownBy(() -> new GRU(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("units").hasMessageContaining("-1");
        assertThatThrownBy(() -> GRU.builder(2).dropout(1.5).build()).hasMessageContaining("dropout")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> GRU.builder(2).recurrentDropout(1.0).build())
                .hasMessageContaining("recurrent_dropout");
        assertThatThrownBy(() -> GRU.builder(2).activation(ActivationFunction.SOFTMAX).build())
                .hasMessageContaining("activation").hasMessageContaining("softmax");
        GRU layer = TestSupport.buildFloat(new GRU(2), Shape.of(3, 4), 1);
        assertThatThrownBy(() -> layer.forward(Nd4j.zeros(DataType.FLOAT, 2, 4, 4), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gru (GRU)")
                .hasMessageContaining("(None, 3, 4)").hasMessageContaining("[2, 4, 4]");
    }

    /**
     * Keras's GRU (reset_after=True) written out with plain loops over the layer's weights, with optional dropout
     * masks.
     *
     * @return {@code [batch][timesteps][units]}, every state
     */
    private static double[][][] reference(GRU layer, INDArray input, double[][] inputMask, double[][] recurrentMask) {
        double[][] kernel = layer.parameter("kernel").value().toDoubleMatrix();
        double[][] recurrent = layer.parameter("recurrent_kernel").value().toDoubleMatrix();
        int units = layer.units();
        double[][] bias = layer.parameter("bias") == null ? new double[2][3 * units]
                : layer.parameter("bias").value().toDoubleMatrix();
        int batch = (int) input.size(0);
        int steps = (int) input.size(1);
        int features = (int) input.size(2);
        double[][][] states = new double[batch][steps][units];
        for (int n = 0; n < batch; n++) {
            double[] h = new double[units];
            for (int t = 0; t < steps; t++) {
                double[] fromInput = new double[3 * units];
                double[] fromState = new double[3 * units];
                for (int j = 0; j < 3 * units; j++) {
                    double x = bias[0][j];
                    for (int k = 0; k < features; k++) {
                        x += input.getDouble(n, t, k) * (inputMask == null ? 1 : inputMask[n][k]) * kernel[k][j];
                    }
                    double r = bias[1][j];
                    for (int k = 0; k < units; k++) {
                        r += h[k] * (recurrentMask == null ? 1 : recurrentMask[n][k]) * recurrent[k][j];
                    }
                    fromInput[j] = x;
                    fromState[j] = r;
                }
                double[] next = new double[units];
                for (int u = 0; u < units; u++) {
                    double z = sigmoid(fromInput[u] + fromState[u]);
                    double r = sigmoid(fromInput[units + u] + fromState[units + u]);
                    double candidate = Math.tanh(fromInput[2 * units + u] + r * fromState[2 * units + u]);
                    next[u] = z * h[u] + (1 - z) * candidate;
                }
                h = next;
                states[n][t] = h.clone();
            }
        }
        return states;
    }
}
