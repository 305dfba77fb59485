package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.SimpleRNN;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The model's generator: java.util.Random's numbers, and a state that can be rewound in place. */
class SeededRandomTest {

    @Test
    void givesTheNumbersOfJavaUtilRandom() {
        for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            Random expected = new Random(seed);
            SeededRandom actual = new SeededRandom(seed);
            for (int i = 0; i < 200; i++) {
                assertThat(actual.nextInt()).isEqualTo(expected.nextInt());
                assertThat(actual.nextInt(1 + i)).isEqualTo(expected.nextInt(1 + i));
                assertThat(actual.nextDouble()).isEqualTo(expected.nextDouble());
                assertThat(actual.nextGaussian()).isEqualTo(expected.nextGaussian());
                assertThat(actual.nextLong()).isEqualTo(expected.nextLong());
                assertThat(actual.nextFloat()).isEqualTo(expected.nextFloat());
                assertThat(actual.nextBoolean()).isEqualTo(expected.nextBoolean());
            }
            actual.setSeed(seed + 1);
            expected.setSeed(seed + 1);
            assertThat(actual.nextGaussian()).isEqualTo(expected.nextGaussian());
            assertThat(actual.nextDouble()).isEqualTo(expected.nextDouble());
        }
    }

    @Test
    void nextDoublesGivesTheNumbersOfNextDoubleAndLeavesTheSameStateBehind() {
        for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            Random expected = new Random(seed);
            SeededRandom actual = new SeededRandom(seed);
            actual.nextInt();
            expected.nextInt();
            double[] drawn = new double[1_000];
            Arrays.fill(drawn, -1.0);
            actual.nextDoubles(drawn, 999);
            for (int i = 0; i < 999; i++) {
                assertThat(drawn[i]).as("number %d, seed %d", i, seed).isEqualTo(expected.nextDouble());
            }
            assertThat(drawn[999]).as("beyond count: untouched").isEqualTo(-1.0);
            assertThat(actual.nextDouble()).as("the number after them").isEqualTo(expected.nextDouble());
            assertThat(actual.nextGaussian()).isEqualTo(expected.nextGaussian());
        }
        assertThatThrownBy(() -> new SeededRandom(1).nextDoubles(new double[3], 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void restoreRepeatsTheNumbersThatFollowIncludingAKeptGaussian() {
        SeededRandom random = new SeededRandom(3);
        random.nextGaussian(); // keeps the second of the pair
        SeededRandom.State state = random.state();
        assertThat(state.haveNextGaussian()).isTrue();
        double[] first = {random.nextGaussian(), random.nextDouble(), random.nextGaussian(), random.nextInt(10)};
        random.restore(state);
        double[] again = {random.nextGaussian(), random.nextDouble(), random.nextGaussian(), random.nextInt(10)};
        assertThat(again).containsExactly(first);
        assertThatThrownBy(() -> new SeededRandom.State(1L << 48, false, 0)).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("48-bit");
    }

    @Test
    void restoringTheModelsGeneratorRewindsTheDropoutMasksOfItsLayers() {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(5);
        model.add(SimpleRNN.builder(6).dropout(0.5).build());
        model.add(new Dense(2));
        model.build(Shape.of(3, 4));
        INDArray x = Nd4j.rand(new int[] {4, 3, 4}).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        SeededRandom held = model.random();
        SeededRandom.State state = model.random().state();
        INDArray first = model.forward(x, true).dup();
        INDArray second = model.forward(x, true).dup();
        assertThat(second).as("a new dropout mask per call").isNotEqualTo(first);
        model.restoreRandom(state);
        assertThat(model.forward(x, true)).isEqualTo(first);
        assertThat(model.random()).isSameAs(held);
    }
}
