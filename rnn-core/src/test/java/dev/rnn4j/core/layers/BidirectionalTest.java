package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L2;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bidirectional: the contract kit (every merge mode, sequences, masks through both directions) and Keras's values. */
class BidirectionalTest extends LayerContractTest<Bidirectional> {

    @Override
    protected Bidirectional createLayer() {
        return new Bidirectional(new LSTM(3));
    }

    @Override
    protected Shape inputShape() {
        return Shape.of(4, 2);
    }

    @Override
    protected Map<String, Supplier<Bidirectional>> variants() {
        Map<String, Supplier<Bidirectional>> variants = new LinkedHashMap<>();
        variants.put("gru_sequences_sum", () -> new Bidirectional(GRU.builder(2).returnSequences(true).build(),
                Bidirectional.MergeMode.SUM));
        variants.put("simple_mul", () -> new Bidirectional(new SimpleRNN(3), Bidirectional.MergeMode.MUL));
        variants.put("lstm_sequences_ave", () -> new Bidirectional(LSTM.builder(2).returnSequences(true).build(),
                Bidirectional.MergeMode.AVE));
        variants.put("simple_sequences_concat", () -> new Bidirectional(SimpleRNN.builder(2).returnSequences(true)
                .build()));
        variants.put("regularized_lstm", () -> new Bidirectional(LSTM.builder(2).kernelRegularizer(new L2(0.3))
                .recurrentRegularizer(new L1(0.1)).biasRegularizer(new L2(0.2)).build()));
        return variants;
    }

    private static SimpleRNN.Builder simple(int units) {
        return SimpleRNN.builder(units).kernelInitializer(Initializers.constant(0.01))
                .recurrentInitializer(Initializers.constant(0.02)).biasInitializer(Initializers.constant(0.03));
    }

    private static INDArray arange(int batch, int steps, int features) {
        return Nd4j.arange(batch * steps * features).castTo(DataType.FLOAT).reshape(batch, steps, features);
    }

    private static void assertMatrix(INDArray actual, double[][] expected) {
        for (int b = 0; b < expected.length; b++) {
            for (int u = 0; u < expected[b].length; u++) {
                assertThat(actual.getDouble(b, u)).as("sample %d unit %d", b, u).isCloseTo(expected[b][u],
                        within(1e-5));
            }
        }
    }

    /** keras/src/layers/rnn/bidirectional_test.py, test_correctness. */
    @Test
    void matchesKerasMergeModes() {
        Bidirectional concat = TestSupport.buildFloat(new Bidirectional(simple(2).build()), Shape.of(3, 4), 1);
        assertMatrix(concat.forward(arange(2, 3, 4), false), new double[][] {
            {0.39687276, 0.39687276, 0.10004295, 0.10004295}, {0.7237238, 0.7237238, 0.53391594, 0.53391594}});
        Bidirectional ave = TestSupport.buildFloat(new Bidirectional(simple(2).build(), Bidirectional.MergeMode.AVE),
                Shape.of(3, 4), 1);
        assertMatrix(ave.forward(arange(2, 3, 4), false), new double[][] {{0.24845785, 0.24845785},
            {0.6288199, 0.6288199}});
        Bidirectional none = TestSupport.buildFloat(new Bidirectional(simple(2).build(),
                Bidirectional.MergeMode.NONE), Shape.of(3, 4), 1);
        List<INDArray> both = none.forwardBoth(arange(2, 3, 4), null, null, false);
        assertMatrix(both.get(0), new double[][] {{0.39687276, 0.39687276}, {0.7237238, 0.7237238}});
        assertMatrix(both.get(1), new double[][] {{0.10004295, 0.10004295}, {0.53391594, 0.53391594}});

        Bidirectional sum = TestSupport.buildFloat(new Bidirectional(GRU.builder(2).returnSequences(true)
                .kernelInitializer(Initializers.constant(0.01)).recurrentInitializer(Initializers.constant(0.02))
                .biasInitializer(Initializers.constant(0.03)).build(), Bidirectional.MergeMode.SUM), Shape.of(3, 4), 1);
        INDArray sequence = sum.forward(arange(2, 3, 4), false);
        double[][] expected = {{0.20937867, 0.34462988, 0.40290534}, {0.59829646, 0.6734641, 0.6479671}};
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                assertThat(sequence.getDouble(b, t, 0)).isCloseTo(expected[b][t], within(1e-5));
                assertThat(sequence.getDouble(b, t, 1)).isCloseTo(expected[b][t], within(1e-5));
            }
        }
    }

    /** bidirectional_test.py: test_masking, test_pass_initial_state and test_return_state. */
    @Test
    void matchesKerasMaskingInitialAndReturnedStates() {
        Bidirectional masked = TestSupport.buildFloat(new Bidirectional(GRU.builder(2)
                .kernelInitializer(Initializers.constant(0.01)).recurrentInitializer(Initializers.constant(0.02))
                .biasInitializer(Initializers.constant(0.03)).build()), Shape.of(4, 3), 1);
        INDArray mask = Nd4j.createFromArray(new float[][] {{1, 1, 0, 1}, {1, 0, 0, 1}});
        assertMatrix(masked.forward(arange(2, 4, 3), mask, null, false), new double[][] {
            {0.19393763, 0.19393763, 0.11669192, 0.11669192}, {0.30818558, 0.30818558, 0.28380975, 0.28380975}});

        Supplier<LSTM.Builder> lstm = () -> LSTM.builder(2).kernelInitializer(Initializers.constant(0.01))
                .recurrentInitializer(Initializers.constant(0.02)).biasInitializer(Initializers.constant(0.03));
        Bidirectional initial = TestSupport.buildFloat(new Bidirectional(lstm.get().build()), Shape.of(4, 3), 1);
        INDArray a = Nd4j.arange(4).castTo(DataType.FLOAT).reshape(2, 2);
        assertMatrix(initial.forward(arange(2, 4, 3), null, List.of(a, a.mul(2), a.mul(3), a.mul(4)), false),
                new double[][] {{0.20794602, 0.4577124, 0.14046375, 0.48191673},
                    {0.6682636, 0.6711909, 0.60943645, 0.60950446}});

        Bidirectional returning = TestSupport.buildFloat(new Bidirectional(lstm.get().returnState(true).build()),
                Shape.of(4, 3), 1);
        assertMatrix(returning.forward(arange(2, 4, 3), false), new double[][] {
            {0.1990008, 0.1990008, 0.12659755, 0.12659755}, {0.52335435, 0.52335435, 0.44717982, 0.44717982}});
        List<INDArray> states = returning.states();
        assertThat(states).hasSize(4);
        assertMatrix(states.get(1), new double[][] {{0.35567185, 0.35567185}, {1.0492687, 1.0492687}});
        assertMatrix(states.get(2), new double[][] {{0.12659755, 0.12659755}, {0.44717982, 0.44717982}});
        assertMatrix(states.get(3), new double[][] {{0.2501858, 0.2501858}, {0.941473, 0.941473}});
    }

    @Test
    void weightsAreNamedByDirectionAndCountedTwice() {
        Bidirectional layer = TestSupport.buildFloat(new Bidirectional(new SimpleRNN(4)), Shape.of(2, 4), 1);
        assertThat(layer.parameters().stream().map(Parameter::name).toList()).containsExactly(
                "forward_simple_rnn/kernel", "forward_simple_rnn/recurrent_kernel", "forward_simple_rnn/bias",
                "backward_simple_rnn/kernel", "backward_simple_rnn/recurrent_kernel", "backward_simple_rnn/bias");
        assertThat(layer.outputShape(Shape.of(2, 4))).isEqualTo(Shape.of(8));
        assertThat(layer.countParams(Shape.of(2, 4))).isEqualTo(2 * (16 + 16 + 4));
    }

    @Test
    void aNonRecurrentLayerIsRefused() {
        assertThatThrownBy(() -> new Bidirectional(new Dense(3)))
                .hasMessage("Bidirectional: expected a recurrent layer (SimpleRNN, LSTM, GRU or RNN), found Dense");
    }
}
