package dev.rnn4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rnn4j.api.ActivationFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Large arrays on the fast paths: the two-way split of large products (on by default with 2 cores) gives the same
 * numbers as ND4J's own product, on whole arrays and row-block views, and repeated runs are bit-identical; the Java
 * tanh and its derivative on a large view match Java's math and leave the rest of the array alone.
 */
class SplitWorkTest {
    private final Nd4jCpuBackend backend = new Nd4jCpuBackend();

    @Test
    void largeTanhAndItsDerivativeMatchJavaMath() {
        backend.ensureReady();
        INDArray big = Nd4j.rand(DataType.FLOAT, 3 * 256, 256).subi(0.5).muli(8);
        INDArray view = big.get(NDArrayIndex.interval(256, 768), NDArrayIndex.all());
        float[] before = view.dup().data().asFloat();
        float[] outsideBefore = big.get(NDArrayIndex.interval(0, 256), NDArrayIndex.all()).dup().data().asFloat();

        backend.activation(ActivationFunction.TANH, view, view);

        float[] after = view.dup().data().asFloat();
        for (int i = 0; i < before.length; i++) {
            assertThat((double) after[i]).as("tanh at %d", i).isCloseTo(Math.tanh(before[i]),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(big.get(NDArrayIndex.interval(0, 256), NDArrayIndex.all()).dup().data().asFloat())
                .as("rows outside the view").containsExactly(outsideBefore);

        INDArray gradient = Nd4j.rand(DataType.FLOAT, 512, 256);
        INDArray result = Nd4j.zeros(DataType.FLOAT, 512, 256);
        backend.activationBackward(ActivationFunction.TANH, view, gradient, result);
        float[] g = gradient.data().asFloat();
        float[] r = result.data().asFloat();
        for (int i = 0; i < r.length; i++) {
            assertThat(r[i]).isEqualTo(g[i] * (1f - after[i] * after[i]));
        }

        // views at offsets, 37 rows: 9,472 values, not a whole number of the derivative's chunks
        INDArray states = view.get(NDArrayIndex.interval(3, 40), NDArrayIndex.all());
        INDArray gradients = Nd4j.rand(DataType.FLOAT, 50, 256);
        INDArray someGradients = gradients.get(NDArrayIndex.interval(5, 42), NDArrayIndex.all());
        INDArray results = Nd4j.zeros(DataType.FLOAT, 50, 256);
        INDArray someResults = results.get(NDArrayIndex.interval(11, 48), NDArrayIndex.all());
        backend.activationBackward(ActivationFunction.TANH, states, someGradients, someResults);
        float[] y = states.dup().data().asFloat();
        float[] dy = someGradients.dup().data().asFloat();
        float[] dx = someResults.dup().data().asFloat();
        for (int i = 0; i < dx.length; i++) {
            assertThat(dx[i]).as("derivative at %d of a view", i).isEqualTo(dy[i] * (1f - y[i] * y[i]));
        }
        float[] all = results.data().asFloat();
        for (int i = 0; i < all.length; i++) {
            if (i < 11 * 256 || i >= 48 * 256) {
                assertThat(all[i]).as("outside the target view at %d", i).isZero();
            }
        }
    }

    @Test
    void largeProductsMatchNd4jAndRepeatBitForBit() {
        backend.ensureReady();
        INDArray states = Nd4j.rand(DataType.FLOAT, 3 * 128, 256);
        INDArray previous = states.get(NDArrayIndex.interval(0, 128), NDArrayIndex.all());
        INDArray next = states.get(NDArrayIndex.interval(128, 256), NDArrayIndex.all());
        INDArray weights = Nd4j.rand(DataType.FLOAT, 256, 256).subi(0.5);
        for (boolean transposeB : new boolean[] {false, true}) {
            INDArray start = next.dup();
            INDArray expected = previous.mmul(transposeB ? weights.transpose() : weights).addi(start);

            backend.gemm(previous, weights, next, false, transposeB, 1.0, 1.0);
            INDArray first = next.dup();
            next.assign(start);
            backend.gemm(previous, weights, next, false, transposeB, 1.0, 1.0);

            assertThat(first.equalsWithEps(expected, 1e-3)).as("transposeB %s", transposeB).isTrue();
            assertThat(next.dup().data().asFloat()).containsExactly(first.data().asFloat());
            next.assign(start);
        }
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 3584, 28);
        INDArray gradients = Nd4j.rand(DataType.FLOAT, 3584, 256);
        INDArray kernelGradient = Nd4j.zeros(DataType.FLOAT, 28, 256);
        backend.gemm(inputs, gradients, kernelGradient, true, false, 1.0, 0.0);
        assertThat(kernelGradient.equalsWithEps(inputs.transpose().mmul(gradients), 0.05))
                .as("sums of 3,584 products of magnitude ~0.25, float32").isTrue();
    }

    /**
     * Products split three and four ways (by columns, by rows for a short inner dimension, and along a long inner
     * dimension) give the single-threaded backend's numbers, and repeat bit for bit.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} threads")
    @org.junit.jupiter.params.provider.ValueSource(ints = {3, 4})
    void productsSplitSeveralWaysMatchOneThread(int threads) {
        Nd4jCpuBackend several = new Nd4jCpuBackend(threads);
        Nd4jCpuBackend one = new Nd4jCpuBackend(1);
        several.ensureReady();
        // m x k x n: columns 200 x 256 x 256 (n = 256 in aligned blocks); rows 3,584 x 28 x 256 (k = 28); depth
        // 256 x 3,584 x 256 with the left operand stored transposed, as a weight gradient (k = 3,584).
        long[][] shapes = {{200, 256, 256}, {3584, 28, 256}, {256, 3584, 256}};
        boolean[] transposeA = {false, false, true};
        for (int s = 0; s < shapes.length; s++) {
            long m = shapes[s][0];
            long k = shapes[s][1];
            long n = shapes[s][2];
            INDArray a = (transposeA[s] ? Nd4j.rand(DataType.FLOAT, k, m) : Nd4j.rand(DataType.FLOAT, m, k)).subi(0.5);
            INDArray b = Nd4j.rand(DataType.FLOAT, k, n).subi(0.5);
            INDArray start = Nd4j.rand(DataType.FLOAT, m, n);
            INDArray expected = start.dup();
            one.gemm(a, b, expected, transposeA[s], false, 1.0, 0.5);
            INDArray result = start.dup();
            several.gemm(a, b, result, transposeA[s], false, 1.0, 0.5);
            float[] first = result.data().asFloat();
            result.assign(start);
            several.gemm(a, b, result, transposeA[s], false, 1.0, 0.5);

            double scale = Math.sqrt(k);
            assertThat(result.equalsWithEps(expected, 1e-5 * scale)).as("shape %d, %d threads", s, threads).isTrue();
            assertThat(java.util.Arrays.equals(result.data().asFloat(), first)).as("repeat bit for bit, shape %d", s)
                    .isTrue();
        }
    }
}
