package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.initializers.Initializers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Keras RNN guide's features, written once in {@link RNN} for every cell: masks, {@code goBackwards},
 * {@code returnState}, initial states, {@code stateful}. Pinned to the values of Keras's own tests
 * (keras/src/layers/rnn/{simple_rnn,lstm,gru,rnn}_test.py), checked against each sample run alone, and
 * gradient-checked in double precision, masks and initial states included.
 */
class RecurrentFeaturesTest {
    enum Cell {
        SIMPLE, LSTM, GRU
    }

    /** Keras's tests' layers: kernel 0.01, recurrent kernel 0.02, bias 0.03. */
    private static RecurrentBuilder<?> constant(Cell cell, int units) {
        RecurrentBuilder<?> builder = switch (cell) {
            case SIMPLE -> SimpleRNN.builder(units);
            case LSTM -> LSTM.builder(units);
            case GRU -> GRU.builder(units);
        };
        return builder.kernelInitializer(Initializers.constant(0.01)).recurrentInitializer(Initializers.constant(0.02))
                .biasInitializer(Initializers.constant(0.03));
    }

    private static RNN build(RecurrentBuilder<?> builder) {
        if (builder instanceof SimpleRNN.Builder simple) {
            return simple.build();
        }
        if (builder instanceof LSTM.Builder lstm) {
            return lstm.build();
        }
        return ((GRU.Builder) builder).build();
    }

    private static INDArray arange(int batch, int steps, int features) {
        return Nd4j.arange(batch * steps * features).castTo(DataType.FLOAT).reshape(batch, steps, features);
    }

    /** Keras's boolean masks, rows of T (true) and F (false). */
    private static INDArray mask(String... rows) {
        float[][] values = new float[rows.length][];
        for (int b = 0; b < rows.length; b++) {
            values[b] = new float[rows[b].length()];
            for (int t = 0; t < rows[b].length(); t++) {
                values[b][t] = rows[b].charAt(t) == 'T' ? 1f : 0f;
            }
        }
        return Nd4j.createFromArray(values);
    }

    private static void assertRows(INDArray output, double... rows) {
        for (int b = 0; b < rows.length; b++) {
            for (int u = 0; u < output.size(1); u++) {
                assertThat(output.getDouble(b, u)).as("sample %d unit %d", b, u).isCloseTo(rows[b], within(1e-5));
            }
        }
    }

    @Test
    void simpleRnnMatchesKerasGoBackwardsInitialStateMaskingAndStatefulness() {
        RNN backwards = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 4).goBackwards(true)), Shape.of(3, 4), 1);
        assertRows(backwards.forward(arange(2, 3, 4), false), 0.11144729, 0.5528889);

        INDArray initial = Nd4j.arange(8).castTo(DataType.FLOAT).reshape(2, 4);
        RNN forwards = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 4)), Shape.of(4, 3), 1);
        assertRows(forwards.forward(arange(2, 4, 3), null, List.of(initial), false), 0.33621645, 0.6262637);
        RNN backwardsFromState = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 4).goBackwards(true)),
                Shape.of(4, 3), 1);
        assertRows(backwardsFromState.forward(arange(2, 4, 3), null, List.of(initial), false), 0.07344437,
                0.43043602);

        INDArray mask = mask("TTFT", "TFFT");
        assertRows(forwards.forward(arange(2, 4, 3), mask, null, false), 0.32951632, 0.61799484);
        RNN sequences = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 2).returnSequences(true)), Shape.of(4, 3),
                1);
        INDArray out = sequences.forward(arange(2, 4, 3), mask, null, false);
        assertSequence(out, 0, 0.0599281, 0.15122814, 0.15122814, 0.32394567);
        assertSequence(out, 1, 0.3969304, 0.3969304, 0.3969304, 0.608085);
        RNN zeros = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 2).returnSequences(true)
                .zeroOutputForMask(true)), Shape.of(4, 3), 1);
        out = zeros.forward(arange(2, 4, 3), mask, null, false);
        assertSequence(out, 0, 0.0599281, 0.15122814, 0.0, 0.32394567);
        assertSequence(out, 1, 0.3969304, 0.0, 0.0, 0.608085);
        RNN maskedBackwards = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 4).goBackwards(true)),
                Shape.of(4, 3), 1);
        assertRows(maskedBackwards.forward(arange(2, 4, 3), mask, null, false), 0.07376196, 0.43645123);

        RNN stateful = TestSupport.buildFloat(build(constant(Cell.SIMPLE, 4).stateful(true)), Shape.of(3, 4), 1);
        stateful.forward(arange(2, 3, 4), false);
        assertRows(stateful.forward(arange(2, 3, 4), false), 0.40559256, 0.7361247);
        stateful.resetStates();
        stateful.forward(arange(2, 3, 4), false);
        assertRows(stateful.forward(arange(2, 3, 4), false), 0.40559256, 0.7361247);
    }

    private static void assertSequence(INDArray output, int sample, double... steps) {
        for (int t = 0; t < steps.length; t++) {
            for (int u = 0; u < output.size(2); u++) {
                assertThat(output.getDouble(sample, t, u)).as("sample %d step %d unit %d", sample, t, u)
                        .isCloseTo(steps[t], within(1e-5));
            }
        }
    }

    @Test
    void lstmMatchesKerasGoBackwardsInitialStateMaskingAndStatefulness() {
        RNN backwards = TestSupport.buildFloat(build(constant(Cell.LSTM, 3).goBackwards(true)), Shape.of(6, 4), 1);
        assertRows(backwards.forward(arange(3, 6, 4), false), 0.35622165, 0.74789524, 0.8872726);

        INDArray initial = Nd4j.arange(4).castTo(DataType.FLOAT).reshape(2, 2);
        RNN forwards = TestSupport.buildFloat(build(constant(Cell.LSTM, 2)), Shape.of(4, 3), 1);
        INDArray out = forwards.forward(arange(2, 4, 3), null, List.of(initial, initial), false);
        assertThat(out.toFloatMatrix()[0]).containsExactly(new float[] {0.20574439f, 0.3558822f},
                org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(out.toFloatMatrix()[1]).containsExactly(new float[] {0.64930826f, 0.66276f},
                org.assertj.core.data.Offset.offset(1e-5f));
        RNN backwardsFromState = TestSupport.buildFloat(build(constant(Cell.LSTM, 2).goBackwards(true)),
                Shape.of(4, 3), 1);
        out = backwardsFromState.forward(arange(2, 4, 3), null, List.of(initial, initial), false);
        assertThat(out.toFloatMatrix()[0]).containsExactly(new float[] {0.13281618f, 0.2790356f},
                org.assertj.core.data.Offset.offset(1e-5f));

        INDArray mask = mask("TTTF", "TTFF");
        assertRows(forwards.forward(arange(2, 4, 3), mask, null, false), 0.11755939, 0.28556206);
        RNN sequences = TestSupport.buildFloat(build(constant(Cell.LSTM, 2).returnSequences(true)), Shape.of(4, 3),
                1);
        out = sequences.forward(arange(2, 4, 3), mask, null, false);
        assertSequence(out, 0, 0.01588910, 0.05552048, 0.11755939, 0.11755939);
        assertSequence(out, 1, 0.14185596, 0.28556206, 0.28556206, 0.28556206);
        RNN maskedBackwards = TestSupport.buildFloat(build(constant(Cell.LSTM, 2).goBackwards(true)), Shape.of(4, 3),
                1);
        assertRows(maskedBackwards.forward(arange(2, 4, 3), mask("FTTT", "FFTT"), null, false), 0.15341201,
                0.3844719);

        RNN stateful = TestSupport.buildFloat(build(constant(Cell.LSTM, 4).stateful(true)), Shape.of(3, 4), 1);
        stateful.forward(arange(2, 3, 4), false);
        assertRows(stateful.forward(arange(2, 3, 4), false), 0.3124785, 0.6863672);
    }

    @Test
    void gruMatchesKerasGoBackwardsInitialAndReturnedStateMaskingAndStatefulness() {
        RNN backwards = TestSupport.buildFloat(build(constant(Cell.GRU, 3).goBackwards(true)), Shape.of(6, 4), 1);
        assertRows(backwards.forward(arange(3, 6, 4), false), 0.24406259, 0.611516, 0.3928808);

        INDArray initial = Nd4j.arange(4).castTo(DataType.FLOAT).reshape(2, 2);
        RNN returning = TestSupport.buildFloat(build(constant(Cell.GRU, 2).returnState(true)), Shape.of(4, 3), 1);
        INDArray out = returning.forward(arange(2, 4, 3), null, List.of(initial), false);
        float[][] expected = {{0.23774096f, 0.33508456f}, {0.83659905f, 1.0227708f}};
        for (int b = 0; b < 2; b++) {
            assertThat(out.toFloatMatrix()[b]).containsExactly(expected[b], org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThat(returning.states()).hasSize(1);
        assertThat(returning.states().get(0)).isEqualTo(out);

        INDArray mask = mask("TTFT", "TFFT");
        RNN forwards = TestSupport.buildFloat(build(constant(Cell.GRU, 2)), Shape.of(4, 3), 1);
        assertRows(forwards.forward(arange(2, 4, 3), mask, null, false), 0.19393763, 0.30818558);
        RNN zeros = TestSupport.buildFloat(build(constant(Cell.GRU, 2).returnSequences(true).zeroOutputForMask(true)),
                Shape.of(4, 3), 1);
        out = zeros.forward(arange(2, 4, 3), mask, null, false);
        assertSequence(out, 0, 0.03606692, 0.09497581, 0.0, 0.19393763);
        assertSequence(out, 1, 0.16051409, 0.0, 0.0, 0.30818558);
        RNN maskedBackwards = TestSupport.buildFloat(build(constant(Cell.GRU, 2).goBackwards(true)), Shape.of(4, 3),
                1);
        assertRows(maskedBackwards.forward(arange(2, 4, 3), mask, null, false), 0.11669192, 0.28380975);

        RNN stateful = TestSupport.buildFloat(build(constant(Cell.GRU, 4).stateful(true)), Shape.of(3, 4), 1);
        stateful.forward(arange(2, 3, 4), false);
        assertRows(stateful.forward(arange(2, 3, 4), false), 0.29542392, 0.5885018);
    }

    /** rnn_test.py's OneStateRNNCell: output = x·K + h·R, weights all ones, no bias, no activation. */
    @Test
    void aLinearCellMatchesKerasRnnTests() {
        Supplier<SimpleRNN.Builder> linear = () -> SimpleRNN.builder(2).activation(ActivationFunction.LINEAR)
                .useBias(false).kernelInitializer(Initializers.constant(1.0))
                .recurrentInitializer(Initializers.constant(1.0));
        RNN plain = TestSupport.buildFloat(linear.get().build(), Shape.of(2, 3), 1);
        assertRows(plain.forward(Nd4j.ones(DataType.FLOAT, 1, 2, 3), false), 9.0);
        RNN withState = TestSupport.buildFloat(linear.get().build(), Shape.of(3, 2), 1);
        assertRows(withState.forward(Nd4j.ones(DataType.FLOAT, 2, 3, 2), null,
                List.of(Nd4j.ones(DataType.FLOAT, 2, 2)), false), 22.0, 22.0);
        RNN backwards = TestSupport.buildFloat(linear.get().goBackwards(true).build(), Shape.of(3, 4), 1);
        assertRows(backwards.forward(arange(2, 3, 4), false), 202.0, 538.0);
        RNN stateful = TestSupport.buildFloat(linear.get().stateful(true).returnState(true).build(), Shape.of(3, 4),
                1);
        stateful.forward(arange(2, 3, 4), false);
        assertRows(stateful.forward(arange(2, 3, 4), false), 954.0, 3978.0);
        assertRows(stateful.states().get(0), 954.0, 3978.0);
        RNN sequences = TestSupport.buildFloat(linear.get().returnSequences(true).build(), Shape.of(4, 3), 1);
        INDArray out = sequences.forward(arange(2, 4, 3), mask("TTTF", "TTFF"), null, false);
        assertSequence(out, 0, 3, 18, 57, 57);
        assertSequence(out, 1, 39, 126, 126, 126);
    }

    /**
     * A padded batch of sequences of lengths 3 .. 28 (padding after the data, masked) gives, per sample, the output
     * and input gradient of that sample run alone at its own length, and weight gradients equal to the sum of theirs.
     */
    @ParameterizedTest
    @EnumSource(Cell.class)
    void aPaddedMaskedBatchMatchesEachSampleAloneAtItsLength(Cell cell) {
        int steps = 28;
        int features = 3;
        int[] lengths = {3, 28, 11, 7, 19, 3, 24, 16};
        int batch = lengths.length;
        RNN padded = TestSupport.buildDouble(build(constant(cell, 5).biasInitializer(Initializers.glorotUniform())
                .kernelInitializer(Initializers.glorotUniform()).recurrentInitializer(Initializers.orthogonal())),
                Shape.of(steps, features), 7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, batch, steps, features).subi(0.5);
        INDArray maskValues = Nd4j.zeros(DataType.DOUBLE, batch, steps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                maskValues.putScalar(b, t, 1.0);
            }
        }
        INDArray outputGradient = Nd4j.rand(DataType.DOUBLE, batch, 5);
        INDArray output = padded.forward(x, maskValues, null, true).dup();
        INDArray inputGradient = padded.backward(outputGradient, null, true).dup();
        List<INDArray> weightGradients = gradients(padded);

        List<INDArray> summed = null;
        for (int b = 0; b < batch; b++) {
            int length = lengths[b];
            RNN alone = TestSupport.buildDouble(build(constant(cell, 5).biasInitializer(Initializers.glorotUniform())
                    .kernelInitializer(Initializers.glorotUniform()).recurrentInitializer(Initializers.orthogonal())),
                    Shape.of(length, features), 7);
            INDArray sample = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(b, b + 1),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, length),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            INDArray aloneOutput = alone.forward(sample, true);
            assertClose("output of sample " + b, output.getRow(b).dup(), aloneOutput.getRow(0).dup());
            INDArray aloneGradient = alone.backward(outputGradient.getRow(b).dup().reshape(1, 5), true);
            for (int t = 0; t < steps; t++) {
                INDArray expected = t < length ? aloneGradient.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .dup() : Nd4j.zeros(DataType.DOUBLE, features);
                assertClose("input gradient of sample " + b + " step " + t,
                        inputGradient.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(t),
                                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup(), expected);
            }
            List<INDArray> own = gradients(alone);
            if (summed == null) {
                summed = own;
            } else {
                for (int i = 0; i < own.size(); i++) {
                    summed.get(i).addi(own.get(i));
                }
            }
        }
        for (int i = 0; i < summed.size(); i++) {
            assertClose("gradient of " + padded.parameters().get(i).name(), weightGradients.get(i), summed.get(i));
        }
    }

    private static List<INDArray> gradients(RNN layer) {
        List<INDArray> gradients = new ArrayList<>();
        for (Parameter parameter : layer.parameters()) {
            gradients.add(parameter.gradient().dup());
        }
        return gradients;
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        double[] a = actual.reshape(actual.length()).toDoubleVector();
        double[] e = expected.reshape(expected.length()).toDoubleVector();
        assertThat(a).as(what).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s [%d]", what, i).isCloseTo(e[i], within(1e-10));
        }
    }

    /**
     * Central differences in double precision, as the contract kit's check does, through masks (with sequences and
     * zero outputs too), initial states, returned states and go_backwards: the weights', the input's and the initial
     * states' gradients.
     */
    @ParameterizedTest(name = "{0} sequences={1} backwards={2} zeros={3} initial={4}")
    @CsvSource({
        "SIMPLE, false, false, false, true", "SIMPLE, true, true, true, true", "SIMPLE, true, false, false, false",
        "LSTM, false, false, false, true", "LSTM, true, true, false, true", "LSTM, true, false, true, false",
        "GRU, false, true, false, true", "GRU, true, false, true, true", "GRU, false, false, false, false"})
    void passesTheGradientCheckWithMasksAndStates(Cell cell, boolean sequences, boolean backwards, boolean zeros,
            boolean initial) {
        int batch = 3;
        int steps = 5;
        int features = 2;
        int units = 3;
        Supplier<RNN> factory = () -> build(constant(cell, units).biasInitializer(Initializers.glorotUniform())
                .kernelInitializer(Initializers.glorotUniform()).recurrentInitializer(Initializers.orthogonal())
                .returnSequences(sequences).goBackwards(backwards).zeroOutputForMask(zeros).returnState(true));
        RNN layer = TestSupport.buildDouble(factory.get(), Shape.of(steps, features), 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, batch, steps, features).subi(0.5);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 0, 1, 1}, {1, 0, 0, 1, 0}, {0, 1, 1, 1, 1}});
        int states = layer.stateSizes().length;
        List<INDArray> initialStates = new ArrayList<>();
        for (int s = 0; s < states && initial; s++) {
            initialStates.add(Nd4j.rand(DataType.DOUBLE, batch, units).subi(0.5));
        }
        List<INDArray> start = initial ? initialStates : null;
        INDArray outputWeights = Nd4j.rand(DataType.DOUBLE, layer.forward(x, mask, start, true).shape());
        List<INDArray> stateWeights = new ArrayList<>();
        for (int s = 0; s < states; s++) {
            stateWeights.add(Nd4j.rand(DataType.DOUBLE, batch, units));
        }
        Supplier<Double> loss = () -> {
            double value = layer.forward(x, mask, start, true).mul(outputWeights).sumNumber().doubleValue();
            for (int s = 0; s < states; s++) {
                value += layer.states().get(s).mul(stateWeights.get(s)).sumNumber().doubleValue();
            }
            return value;
        };
        loss.get();
        INDArray inputGradient = layer.backward(outputWeights, stateWeights, true).dup();
        List<INDArray> analytic = new ArrayList<>(gradients(layer));
        List<INDArray> perturbed = new ArrayList<>();
        for (Parameter parameter : layer.parameters()) {
            perturbed.add(parameter.value());
        }
        analytic.add(inputGradient);
        perturbed.add(x);
        if (initial) {
            for (int s = 0; s < states; s++) {
                analytic.add(layer.initialStateGradients().get(s).dup());
                perturbed.add(initialStates.get(s));
            }
        }
        for (int i = 0; i < perturbed.size(); i++) {
            INDArray values = perturbed.get(i);
            INDArray flat = values.reshape(values.length());
            for (long k = 0; k < values.length(); k++) {
                double saved = flat.getDouble(k);
                flat.putScalar(k, saved + 1e-6);
                double up = loss.get();
                flat.putScalar(k, saved - 1e-6);
                double down = loss.get();
                flat.putScalar(k, saved);
                double numeric = (up - down) / 2e-6;
                double exact = analytic.get(i).reshape(values.length()).getDouble(k);
                double error = Math.abs(numeric - exact);
                assertThat(error <= 1e-8 || error / Math.max(Math.abs(numeric), Math.abs(exact)) <= 1e-3)
                        .as("array %d entry %d: analytic %s, numeric %s", i, k, exact, numeric).isTrue();
            }
        }
    }

    @Test
    void badMasksInitialStatesAndStatefulBatchesAreRefusedNamingTheLayer() {
        RNN lstm = TestSupport.buildFloat(LSTM.builder(3).build(), Shape.of(4, 2), 1);
        lstm.setName("lstm");
        assertThatThrownBy(() -> lstm.forward(arange(2, 4, 2), Nd4j.ones(DataType.FLOAT, 2, 3), null, false))
                .hasMessage("lstm (LSTM): expected a mask of shape [2, 4] (batch, timesteps), found [2, 3]");
        assertThatThrownBy(() -> lstm.forward(arange(2, 4, 2), null, List.of(Nd4j.zeros(DataType.FLOAT, 2, 3)),
                false)).hasMessage("lstm (LSTM): expected 2 initial states (one per state of LSTMCell), found 1");
        assertThatThrownBy(() -> lstm.forward(arange(2, 4, 2), null, List.of(Nd4j.zeros(DataType.FLOAT, 2, 3),
                Nd4j.zeros(DataType.FLOAT, 2, 2)), false))
                .hasMessage("lstm (LSTM): expected initial state 1 of shape [2, 3] and type FLOAT, found [2, 2] of"
                        + " type FLOAT");
        RNN stateful = TestSupport.buildFloat(SimpleRNN.builder(2).stateful(true).build(), Shape.of(4, 2), 1);
        stateful.setName("simple_rnn");
        stateful.forward(arange(4, 4, 2), false);
        assertThatThrownBy(() -> stateful.forward(arange(1, 4, 2), false))
                .hasMessage("simple_rnn (SimpleRNN): a stateful layer carries its states from batch to batch, so every"
                        + " batch must have the same size: expected 4, found 1 (resetStates() lets the next batch have"
                        + " another size)");
    }
}
