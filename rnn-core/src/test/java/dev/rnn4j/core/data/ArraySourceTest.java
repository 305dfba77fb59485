package dev.rnn4j.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rnn4j.core.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ArraySourceTest {
    private static final int SAMPLES = 10;

    /** x {@code [10, 3, 2]} with sample i's values {@code i*100 + step*10 + feature}; y {@code [10, 2]}: (i, -i). */
    private static ArraySource.Builder builder() {
        float[] x = new float[SAMPLES * 3 * 2];
        for (int i = 0; i < SAMPLES; i++) {
            for (int step = 0; step < 3; step++) {
                for (int feature = 0; feature < 2; feature++) {
                    x[(i * 3 + step) * 2 + feature] = i * 100 + step * 10 + feature;
                }
            }
        }
        float[] y = new float[SAMPLES * 2];
        for (int i = 0; i < SAMPLES; i++) {
            y[2 * i] = i;
            y[2 * i + 1] = -i;
        }
        return ArraySource.builder(List.of(Nd4j.create(x, new long[] {SAMPLES, 3, 2}, DataType.FLOAT)),
                List.of(Nd4j.create(y, new long[] {SAMPLES, 2}, DataType.FLOAT)));
    }

    @Test
    void batchesFollowTheOrderAndTheLastHoldsTheRest() {
        ArraySource source = builder().batchSize(4).build();
        assertThat(source.batchesPerEpoch()).isEqualTo(3);
        List<int[]> numbers = DataTestSupport.numbers(source.open(0, 0));
        assertThat(numbers).containsExactly(new int[] {0, 1, 2, 3}, new int[] {4, 5, 6, 7}, new int[] {8, 9});
        try (BatchIterator batches = source.open(0, 2)) {
            Batch last = batches.next();
            assertThat(last.x().get(0).shape()).containsExactly(2, 3, 2);
            assertThat(last.x().get(0).getFloat(1, 2, 1)).isEqualTo(921f);
            assertThat(last.x().get(0).dataType()).isEqualTo(DataType.FLOAT);
            assertThat(last.mask()).isNull();
            assertThat(batches.hasNext()).isFalse();
        }
    }

    @Test
    void theShuffleIsFitsFisherYatesOnTheGivenGeneratorEpochAfterEpoch() {
        SeededRandom random = new SeededRandom(7);
        ArraySource source = builder().batchSize(3).shuffle(random).build();
        Random reference = new Random(7);
        int[] expected = new int[SAMPLES];
        Arrays.setAll(expected, i -> i);
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = expected.length - 1; i > 0; i--) {
                int j = reference.nextInt(i + 1);
                int swap = expected[i];
                expected[i] = expected[j];
                expected[j] = swap;
            }
            int[] yielded = DataTestSupport.flat(DataTestSupport.numbers(source.open(epoch, 0)));
            assertThat(yielded).as("epoch %d", epoch).containsExactly(expected);
            assertThat(source.order()).containsExactly(expected);
            assertThat(source.epoch()).isEqualTo(epoch);
        }
        assertThat(random.nextLong()).as("the shared generator moved on as fit's").isEqualTo(reference.nextLong());
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndEpochsDiffer() {
        List<List<List<Object>>> first = new ArrayList<>();
        List<List<List<Object>>> second = new ArrayList<>();
        ArraySource a = builder().batchSize(4).shuffle(3L).build();
        ArraySource b = builder().batchSize(4).shuffle(3L).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            first.add(DataTestSupport.drain(a.open(epoch, 0)));
            second.add(DataTestSupport.drain(b.open(epoch, 0)));
        }
        assertThat(first).isEqualTo(second);
        assertThat(first.get(0)).isNotEqualTo(first.get(1));
        assertThat(first.get(1)).isNotEqualTo(first.get(2));
    }

    @Test
    void everySampleOncePerEpoch() {
        ArraySource source = builder().batchSize(3).shuffle(11L).build();
        for (int epoch = 0; epoch < 4; epoch++) {
            DataTestSupport.assertEachOnce(DataTestSupport.numbers(source.open(epoch, 0)), SAMPLES);
        }
    }

    @Test
    void anEpochResumesAtAnyBatchAndAFreshSourceResumesFromTheSavedOrder() {
        ArraySource source = builder().batchSize(3).shuffle(5L).build();
        DataTestSupport.drain(source.open(0, 0));
        DataTestSupport.assertResumes(source, 1);
        List<List<Object>> epoch1 = DataTestSupport.drain(source.open(1, 0));
        // A checkpoint in epoch 1 saved the epoch, the order and the generator; a new process restores all three.
        ArraySource resumed = builder().batchSize(3).shuffle(new SeededRandom(0)).build();
        resumed.restore(1, source.order());
        assertThat(DataTestSupport.drain(resumed.open(1, 2))).isEqualTo(epoch1.subList(2, epoch1.size()));
    }

    @Test
    void aCheckpointAtAnEpochsEndDrawsTheNextOrderFromTheRestoredGenerator() {
        SeededRandom random = new SeededRandom(9);
        ArraySource source = builder().batchSize(4).shuffle(random).build();
        DataTestSupport.drain(source.open(0, 0));
        SeededRandom.State saved = random.state();
        int[] order = source.order();
        List<List<Object>> epoch1 = DataTestSupport.drain(source.open(1, 0));
        SeededRandom restored = new SeededRandom(0);
        restored.restore(saved);
        ArraySource resumed = builder().batchSize(4).shuffle(restored).build();
        resumed.restore(0, order);
        assertThat(DataTestSupport.drain(resumed.open(1, 0))).isEqualTo(epoch1);
    }

    @Test
    void anEpochWhoseOrderIsUnknownIsRefused() {
        ArraySource source = builder().batchSize(4).shuffle(1L).build();
        assertThatThrownBy(() -> source.open(0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot open epoch 0 at batch 1")
                .hasMessageContaining("restore(epoch, order)");
        DataTestSupport.drain(source.open(2, 0));
        assertThatThrownBy(() -> source.open(1, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the current order is epoch 2's");
        ArraySource unshuffled = builder().batchSize(4).build();
        assertThat(DataTestSupport.flat(DataTestSupport.numbers(unshuffled.open(5, 1))))
                .containsExactly(4, 5, 6, 7, 8, 9);
    }

    @Test
    void sampleWeightsTravelWithTheirSamplesAndDoublesBecomeFloats() {
        INDArray weights = Nd4j.create(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        INDArray x = Nd4j.arange(20).castTo(DataType.DOUBLE).reshape(SAMPLES, 2);
        ArraySource source = ArraySource.builder(List.of(x), List.of()).batchSize(4).sampleWeight(weights)
                .shuffle(2L).build();
        try (BatchIterator batches = source.open(0, 0)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                assertThat(batch.y()).isEmpty();
                assertThat(batch.x().get(0).dataType()).isEqualTo(DataType.FLOAT);
                for (int r = 0; r < batch.size(); r++) {
                    float sample = batch.sampleWeight().getFloat(r);
                    assertThat(batch.x().get(0).getFloat(r, 0)).isEqualTo(2 * sample);
                }
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> builder().batchSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batch_size: expected at least 1, found 0");
        INDArray x = Nd4j.zeros(DataType.FLOAT, 10, 3);
        assertThatThrownBy(() -> ArraySource.builder(List.of(x), List.of(Nd4j.zeros(DataType.FLOAT, 9, 2))).build())
                .hasMessage("ArraySource: y[0] has shape [9, 2], expected 10 rows (the rows of x[0])");
        assertThatThrownBy(() -> ArraySource.builder(List.of(x), List.of()).sampleWeight(Nd4j.zeros(10, 2, 2))
                .build()).hasMessage("ArraySource: sampleWeight has shape [10, 2, 2], expected [samples] or"
                        + " [samples, timesteps]");
        assertThatThrownBy(() -> ArraySource.builder(List.of(), List.of()))
                .hasMessage("ArraySource: expected at least one input array, found none");
        ArraySource source = ArraySource.builder(List.of(x), List.of()).build();
        assertThatThrownBy(() -> source.open(0, 2)).hasMessage("ArraySource: first batch: expected 0 to 1 (the"
                + " batches per epoch), found 2");
        assertThatThrownBy(() -> source.restore(0, new int[] {0, 1, 1, 3, 4, 5, 6, 7, 8, 9}))
                .hasMessage("ArraySource: order: expected a permutation of 0..9, found 1 at position 2");
    }

    @Test
    void theBackendGathersIntoTheModelsTypeAndReusedArraysHoldEachBatch() {
        dev.rnn4j.api.Backend backend = dev.rnn4j.core.TestSupport.BACKEND;
        ArraySource plain = builder().batchSize(4).shuffle(6L).build();
        ArraySource reused = builder().batchSize(4).shuffle(6L).gatherWith(backend, DataType.DOUBLE)
                .reuseBatchArrays().build();
        try (BatchIterator a = plain.open(0, 0); BatchIterator b = reused.open(0, 0)) {
            INDArray previous = null;
            while (a.hasNext()) {
                Batch expected = a.next();
                Batch actual = b.next();
                assertThat(actual.x().get(0).dataType()).isEqualTo(DataType.DOUBLE);
                assertThat(actual.x().get(0).castTo(DataType.FLOAT)).isEqualTo(expected.x().get(0));
                assertThat(actual.y().get(0).castTo(DataType.FLOAT)).isEqualTo(expected.y().get(0));
                if (previous != null && actual.size() == previous.size(0)) {
                    assertThat(actual.x().get(0)).isSameAs(previous);
                }
                previous = actual.x().get(0);
            }
        }
        assertThatThrownBy(() -> builder().reuseBatchArrays().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs gatherWith");
    }
}
