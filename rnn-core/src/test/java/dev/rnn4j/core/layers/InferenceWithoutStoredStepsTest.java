package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.BuildContext;
import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Shape;
import dev.rnn4j.backend.cpu.Nd4jCpuBackend;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference of the last state runs each part of the batch in two blocks per per-step array, used in turn, instead of
 * keeping every step (SimpleRNN, LSTM, GRU). It gives the training pass's output (no dropout) on 1, 2 and 3 threads and
 * for batches run whole, in parts and in more parts than threads; a pass does not carry anything over to the next; and
 * a backward pass after an inference pass gets the training pass's gradients, bit for bit.
 */
class InferenceWithoutStoredStepsTest {
    private static final int STEPS = 9;
    private static final int FEATURES = 6;
    private static final int UNITS = 16;

    enum Cell {
        SIMPLE, LSTM, GRU
    }

    static Stream<Arguments> cases() {
        return Stream.of(Cell.values()).flatMap(cell -> Stream.of(new int[] {1, 1}, new int[] {1, 40},
                new int[] {2, 5}, new int[] {2, 40}, new int[] {2, 300}, new int[] {3, 130})
                .map(threadsAndBatch -> Arguments.of(cell, threadsAndBatch[0], threadsAndBatch[1])));
    }

    @ParameterizedTest(name = "{0}, {1} threads, batch {2}")
    @MethodSource("cases")
    void inferenceGivesTheTrainingPassOutputAndCarriesNothingOver(Cell cell, int threads, int batch) {
        Layer layer = build(cell, threads, 3);
        INDArray input = random(batch, 11);
        INDArray other = random(batch, 12);

        float[] training = layer.forward(input, true).dup().data().asFloat();
        float[] inference = layer.forward(input, false).dup().data().asFloat();
        layer.forward(other, false);
        float[] again = layer.forward(input, false).dup().data().asFloat();

        assertThat(inference).hasSameSizeAs(training);
        for (int i = 0; i < inference.length; i++) {
            assertThat(inference[i]).as("value %d against the training pass", i).isCloseTo(training[i], within(1e-6f));
        }
        assertThat(Arrays.equals(again, inference)).as("the same input again after another one").isTrue();
    }

    @ParameterizedTest(name = "{0}, {1} threads, batch {2}")
    @MethodSource("cases")
    void backwardAfterAnInferencePassGivesTheTrainingPassGradients(Cell cell, int threads, int batch) {
        Layer layer = build(cell, threads, 4);
        INDArray input = random(batch, 13);
        INDArray outputGradient = Nd4j.rand(DataType.FLOAT, batch, UNITS).subi(0.5);

        layer.forward(input, true);
        float[] expectedInput = layer.backward(outputGradient, true).dup().data().asFloat();
        float[][] expected = gradients(layer);
        layer.forward(input, false);
        float[] actualInput = layer.backward(outputGradient, true).dup().data().asFloat();
        float[][] actual = gradients(layer);

        assertThat(Arrays.equals(actualInput, expectedInput)).as("input gradient").isTrue();
        for (int i = 0; i < expected.length; i++) {
            assertThat(Arrays.equals(actual[i], expected[i])).as("gradient of %s",
                    layer.parameters().get(i).name()).isTrue();
        }
    }

    private static Layer build(Cell cell, int threads, long seed) {
        Layer layer = switch (cell) {
            case SIMPLE -> new SimpleRNN(UNITS);
            case LSTM -> new LSTM(UNITS);
            case GRU -> new GRU(UNITS);
        };
        layer.setName(cell.name().toLowerCase(java.util.Locale.ROOT));
        layer.build(Shape.of(STEPS, FEATURES), new BuildContext(new Nd4jCpuBackend(threads), DataType.FLOAT,
                new Random(seed)));
        return layer;
    }

    private static INDArray random(int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, batch, STEPS, FEATURES).subi(0.5).muli(2);
    }

    private static float[][] gradients(Layer layer) {
        return layer.parameters().stream().map(p -> p.gradient().dup().data().asFloat()).toArray(float[][]::new);
    }
}
