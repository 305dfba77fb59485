package dev.rnn4j.core.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.ActivationFunction;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.SeededRandom;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.Values;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L2;
import dev.rnn4j.core.testkit.LayerContractTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The layers of sequence models besides the recurrent ones: Embedding, Masking, Dropout, TimeDistributed. */
class SequenceLayersTest {

    /** Random token ids in [0, 7), some of them 0 (padding). */
    private static INDArray tokens(int batch, int timesteps, long seed) {
        Random random = new Random(seed);
        double[] ids = new double[batch * timesteps];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(7);
        }
        return Nd4j.create(ids, new long[] {batch, timesteps}, 'c');
    }

    @Nested
    class EmbeddingContract extends LayerContractTest<Embedding> {
        @Override
        protected Embedding createLayer() {
            return new Embedding(7, 3);
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(5);
        }

        @Override
        protected Map<String, Supplier<Embedding>> variants() {
            Map<String, Supplier<Embedding>> variants = new LinkedHashMap<>();
            variants.put("mask_zero", () -> new Embedding(7, 2, true));
            variants.put("glorot", () -> new Embedding(7, 4, false, Initializers.glorotUniform()));
            variants.put("regularized", () -> new Embedding(7, 3, true, Initializers.glorotUniform(), new L2(0.5)));
            return variants;
        }

        @Override
        protected INDArray sampleInput(Embedding layer, int batch, long seed) {
            return tokens(batch, 5, seed);
        }

        @Override
        protected boolean inputIsDifferentiable() {
            return false;
        }
    }

    @Nested
    class MaskingContract extends LayerContractTest<Masking> {
        @Override
        protected Masking createLayer() {
            return new Masking();
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(4, 3);
        }

        @Override
        protected Map<String, Supplier<Masking>> variants() {
            return Map.of("minus_one", () -> new Masking(-1.0));
        }
        // random input, no padding: at a padded timestep the output jumps when an input leaves the mask value, so
        // there is no gradient to check; maskingZeroesPaddedTimestepsAndMasksThem checks the backward pass there
    }

    @Nested
    class DropoutContract extends LayerContractTest<Dropout> {
        @Override
        protected Dropout createLayer() {
            return new Dropout(0.3);
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(3, 4);
        }
    }

    @Nested
    class TimeDistributedContract extends LayerContractTest<TimeDistributed> {
        @Override
        protected TimeDistributed createLayer() {
            return new TimeDistributed(new Dense(2, ActivationFunction.TANH));
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(3, 4);
        }

        @Override
        protected Map<String, Supplier<TimeDistributed>> variants() {
            Map<String, Supplier<TimeDistributed>> variants = new LinkedHashMap<>();
            variants.put("softmax", () -> new TimeDistributed(new Activation("softmax")));
            variants.put("regularized_dense", () -> new TimeDistributed(Dense.builder(2)
                    .kernelRegularizer(new L2(0.4)).biasRegularizer(new L1(0.2)).build()));
            return variants;
        }
    }

    /** Softmax over the classes of every timestep of {@code [batch, timesteps, classes]}. */
    @Nested
    class SoftmaxOnSequencesContract extends LayerContractTest<Activation> {
        @Override
        protected Activation createLayer() {
            return new Activation("softmax");
        }

        @Override
        protected Shape inputShape() {
            return Shape.of(3, 4);
        }
    }

    @Test
    void softmaxOnSequencesNormalizesEachTimestep() {
        Activation softmax = TestSupport.buildDouble(new Activation("softmax"), Shape.of(2, 3), 1);
        INDArray x = Nd4j.create(new double[] {1, 2, 3, 0, 0, 0, -1, 5, 2, 4, 4, 4}, new long[] {2, 2, 3}, 'c');
        double[] p = Values.of(softmax.forward(x, false));
        double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(p[0]).isCloseTo(Math.exp(1) / e, within(1e-15));
        assertThat(p[2]).isCloseTo(Math.exp(3) / e, within(1e-15));
        assertThat(p[3]).isCloseTo(1.0 / 3, within(1e-15));
        for (int row = 0; row < 4; row++) {
            assertThat(p[3 * row] + p[3 * row + 1] + p[3 * row + 2]).isCloseTo(1.0, within(1e-15));
        }
    }

    @Test
    void embeddingLooksUpRowsAndAddsTheGradientsOfRepeatedIds() {
        Embedding embedding = TestSupport.buildDouble(new Embedding(4, 2, true), Shape.of(3), 5);
        INDArray table = embedding.parameter("embeddings").value();
        INDArray ids = Nd4j.create(new double[] {2, 2, 0, 3, 1, 0}, new long[] {2, 3}, 'c');
        INDArray out = embedding.forward(ids, false);
        assertThat(Values.of(out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.all())))
                .containsExactly(Values.of(table.getRow(3)));
        assertThat(Values.of(embedding.computeMask(ids, null))).containsExactly(1, 1, 0, 1, 1, 0);

        INDArray gradient = Nd4j.create(new double[] {1, 2, 10, 20, 100, 200, 3, 4, 5, 6, 7, 8},
                new long[] {2, 3, 2}, 'c');
        INDArray inputGradient = embedding.backward(gradient, true);
        assertThat(Values.of(embedding.parameter("embeddings").gradient()))
                .containsExactly(107, 208, 5, 6, 11, 22, 3, 4);
        assertThat(Values.of(inputGradient)).containsOnly(0.0);
    }

    @Test
    void embeddingNamesABadTokenId() {
        Embedding embedding = TestSupport.buildFloat(new Embedding(4, 2), Shape.of(3), 5);
        embedding.forward(Nd4j.create(new float[] {0, 1, 3}, new long[] {1, 3}, 'c'), false);
        assertThatThrownBy(() -> embedding.forward(Nd4j.create(new float[] {0, 1, 2, 3, 4, 1}, new long[] {2, 3}, 'c'),
                false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embedding (Embedding): expected token ids in [0, 4), found 4.0 at sample 1, timestep 1 of"
                        + " a batch [2, 3]");
        assertThatThrownBy(() -> embedding.forward(Nd4j.create(new float[] {0, 1.5f, 2}, new long[] {1, 3}, 'c'),
                false)).hasMessageContaining("found 1.5 at sample 0, timestep 1");
        assertThatThrownBy(() -> new Embedding(0, 3)).hasMessage("Embedding input_dim and output_dim: expected at"
                + " least 1, found 0 and 3");
        assertThatThrownBy(() -> new Embedding(4, 2).outputShape(Shape.of(3, 2)))
                .hasMessage("unnamed (Embedding): expected token ids of shape (None, timesteps), found (None, 3, 2)");
    }

    @Test
    void maskingZeroesPaddedTimestepsAndMasksThem() {
        Masking masking = TestSupport.buildDouble(new Masking(-1), Shape.of(3, 2), 1);
        INDArray x = Nd4j.create(new double[] {1, 2, -1, -1, -1, 3, -1, -1, 4, 5, 6, 7}, new long[] {2, 3, 2}, 'c');
        assertThat(Values.of(masking.forward(x, false))).containsExactly(1, 2, 0, 0, -1, 3, 0, 0, 4, 5, 6, 7);
        assertThat(Values.of(masking.computeMask(x, null))).containsExactly(1, 0, 1, 0, 1, 1);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 2, 3, 2);
        assertThat(Values.of(masking.backward(ones, true))).containsExactly(1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1);
    }

    @Test
    void dropoutDropsItsRateAndScalesTheRestInTrainingOnly() {
        Dropout dropout = TestSupport.buildDouble(new Dropout(0.25), Shape.of(100, 40), 9);
        INDArray x = Nd4j.ones(DataType.DOUBLE, 10, 100, 40);
        assertThat(dropout.forward(x, false)).isSameAs(x);
        double[] y = Values.of(dropout.forward(x, true));
        long dropped = java.util.Arrays.stream(y).filter(value -> value == 0.0).count();
        assertThat((double) dropped / y.length).isCloseTo(0.25, within(0.01));
        assertThat(java.util.Arrays.stream(y).allMatch(value -> value == 0.0 || value == 1.0 / 0.75)).isTrue();
        // the gradient goes through the same mask, with the same scale
        double[] g = Values.of(dropout.backward(Nd4j.ones(DataType.DOUBLE, 10, 100, 40), true));
        assertThat(g).containsExactly(y);
        assertThatThrownBy(() -> new Dropout(1.0)).hasMessage("Dropout rate: expected a fraction in [0, 1), found"
                + " 1.0");
    }

    @Test
    void dropoutInFloat32ScalesByTheFloatOfItsScaleAndDrawsTheSameMasksFromTheSameSeed() {
        Dropout dropout = TestSupport.buildFloat(new Dropout(0.3), Shape.of(50, 40), 4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 50, 40).addi(0.5);
        float[] input = x.data().asFloat();
        float[] y = dropout.forward(x, true).data().asFloat();
        float scale = (float) (1.0 / 0.7);
        long dropped = 0;
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).isIn(0f, input[i] * scale);
            dropped += y[i] == 0f ? 1 : 0;
        }
        assertThat((double) dropped / y.length).isCloseTo(0.3, within(0.01));
        float[] g = dropout.backward(Nd4j.ones(DataType.FLOAT, 8, 50, 40), true).data().asFloat();
        for (int i = 0; i < y.length; i++) {
            assertThat(g[i]).isEqualTo(y[i] == 0f ? 0f : scale);
        }
        // a second mask differs from the first; the same seed gives the same two masks again
        float[] second = dropout.forward(x, true).data().asFloat();
        assertThat(second).isNotEqualTo(y);
        Dropout again = TestSupport.buildFloat(new Dropout(0.3), Shape.of(50, 40), 4);
        assertThat(again.forward(x, true).data().asFloat()).containsExactly(y);
        assertThat(again.forward(x, true).data().asFloat()).containsExactly(second);
    }

    @Test
    void counterStreamIsFlatInEachHalfAndItsNeighboursAreUncorrelated() {
        int n = 200_000;
        int[][] bins = new int[2][10];
        double products = 0;
        double previous = (SeededRandom.bits(42, 0) >>> 32) * 0x1.0p-32;
        for (int i = 1; i <= n; i++) {
            long bits = SeededRandom.bits(42, i);
            double low = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
            double high = (bits >>> 32) * 0x1.0p-32;
            bins[0][(int) (low * 10)]++;
            bins[1][(int) (high * 10)]++;
            products += (low - 0.5) * (previous - 0.5) + (high - 0.5) * (low - 0.5);
            previous = high;
        }
        for (int[] half : bins) {
            for (int bin : half) {
                assertThat(bin).isBetween(n / 10 - 600, n / 10 + 600);
            }
        }
        assertThat(products / (2 * n)).isCloseTo(0.0, within(0.002));
        assertThat(SeededRandom.bits(43, 1)).isNotEqualTo(SeededRandom.bits(42, 1));
    }

    @Test
    void timeDistributedDenseEqualsDenseOnEachTimestep() {
        Dense inner = new Dense(3, ActivationFunction.TANH);
        TimeDistributed wrapper = TestSupport.buildDouble(new TimeDistributed(inner), Shape.of(4, 2), 3);
        assertThat(wrapper.parameters()).extracting(dev.rnn4j.api.Parameter::name).containsExactly("kernel", "bias");
        assertThat(wrapper.outputShape(Shape.of(4, 2))).isEqualTo(Shape.of(4, 3));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 4, 2);
        INDArray y = wrapper.forward(x, false).dup();
        for (int t = 0; t < 4; t++) {
            INDArray step = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.tanh(
                    step.mmul(inner.parameter("kernel").value()).addRowVector(inner.parameter("bias").value()));
            INDArray actual = y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t), org.nd4j.linalg.indexing.NDArrayIndex.all());
            double[] want = Values.of(expected);
            double[] got = Values.of(actual);
            for (int i = 0; i < want.length; i++) {
                assertThat(got[i]).isCloseTo(want[i], within(1e-14));
            }
        }
        assertThatThrownBy(() -> new TimeDistributed(new Dense(2)).outputShape(Shape.of(4)))
                .hasMessage("unnamed (TimeDistributed): expected input of shape (None, timesteps, ...), found (None, 4)");
    }
}
