package dev.rnn4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The contract every {@link Backend} passes. A backend module runs it by extending this class and returning its backend
 * from {@link #backend()} (rnn-api publishes it as a test-jar).
 *
 * <p>Every operation of {@link Backend} is compared with a double-precision reference computed in plain Java loops, on
 * plain arrays and on contiguous row-block views of a larger matrix (the way the layers use them:
 * {@code big.get(interval(128, 256), all())}); writes through a view must leave the rest of the matrix untouched. A
 * float32 result passes when {@code |actual - expected| <= 1e-5 * max(|expected|, scale)}, {@code scale} being the size
 * of the terms that were summed (1 for the bounded elementwise functions), so the tolerance is relative where values are
 * large and absolute near zero. A tiny SimpleRNN + Dense + softmax step, forward and backward, written with Backend
 * operations only, is checked the same way, and running it twice must give bit-identical results.
 */
public abstract class BackendContract {
    /** Relative tolerance of float32 results against double references. */
    protected static final double FLOAT_TOLERANCE = 1e-5;
    /** Relative tolerance of float64 results (the gradient checker's precision). */
    protected static final double DOUBLE_TOLERANCE = 1e-12;

    private static final int ROWS = 128;
    private static final int COLUMNS = 40;

    /** @return the backend under test; called often, so return the same instance */
    protected abstract Backend backend();

    /**
     * Where an operand lives: its own array, rows {@code [n, 2n)} of a {@code [3n, ...]} array, columns
     * {@code [m, 2m)} of a {@code [n, 3m]} array (rows {@code 3m} apart: gate blocks, states beside inputs), or columns
     * {@code [0, m)} of a {@code [n, m + 1]} array (inputs beside a column of ones for the bias).
     */
    protected enum Layout {
        PLAIN, VIEW, COLUMNS, NARROW_COLUMNS
    }

    @BeforeEach
    void ensureReady() {
        backend().ensureReady();
    }

    // ---------------------------------------------------------------- zeros

    @Test
    void zerosHasTheShapeAndTypeAskedFor() {
        INDArray floats = backend().zeros(DataType.FLOAT, 3, 4);
        INDArray doubles = backend().zeros(DataType.DOUBLE, 2, 5, 7);

        assertThat(floats.shape()).containsExactly(3, 4);
        assertThat(floats.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(floats.ordering()).isEqualTo('c');
        assertThat(values(floats)).containsOnly(0.0);
        assertThat(doubles.shape()).containsExactly(2, 5, 7);
        assertThat(doubles.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(values(doubles)).containsOnly(0.0);
    }

    // ---------------------------------------------------------------- gemm

    protected static Stream<Arguments> gemmCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (boolean transposeA : new boolean[] {false, true}) {
                for (boolean transposeB : new boolean[] {false, true}) {
                    for (double beta : new double[] {0.0, 1.0}) {
                        cases.add(Arguments.of(transposeA, transposeB, beta, layout));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "transposeA={0} transposeB={1} beta={2} {3}")
    @MethodSource("gemmCases")
    void gemmMatchesReference(boolean transposeA, boolean transposeB, double beta, Layout layout) {
        checkGemm(96, 64, ROWS, transposeA, transposeB, 1.0, beta, layout, 11);
    }

    /** The shape of a weight gradient: a sum over every timestep of a batch (inner dimension in the thousands). */
    @ParameterizedTest(name = "transposeA={0} transposeB={1} beta={2} {3}")
    @MethodSource("longGemmCases")
    void gemmWithALongInnerDimension(boolean transposeA, boolean transposeB, double beta, Layout layout) {
        checkGemm(40, 48, 2056, transposeA, transposeB, 0.75, beta, layout, 14);
    }

    /** Plain operands only: filling row-block views this large element by element takes ~20 s a case. */
    protected static Stream<Arguments> longGemmCases() {
        return gemmCases().filter(arguments -> arguments.get()[3] == Layout.PLAIN);
    }

    @ParameterizedTest(name = "alpha={0} beta={1}")
    @MethodSource("scaledGemmCases")
    void gemmScalesProductAndAccumulator(double alpha, double beta) {
        checkGemm(ROWS, 32, 48, false, true, alpha, beta, Layout.VIEW, 12);
    }

    protected static Stream<Arguments> scaledGemmCases() {
        return Stream.of(Arguments.of(-0.5, 1.0), Arguments.of(2.0, 0.0), Arguments.of(0.25, 0.5));
    }

    @Test
    void gemmOnNotebookSizedStepViews() {
        // The recurrent step of the notebook's model: [128,256]·[256,256] into rows [128, 256) of the states.
        checkGemm(ROWS, 256, 256, false, false, 1.0, 1.0, Layout.VIEW, 13);
    }

    protected static Stream<Arguments> preparedGemmCases() {
        return gemmCases().filter(arguments -> !(Boolean) arguments.get()[0])
                .map(arguments -> Arguments.of(arguments.get()[1], arguments.get()[2], arguments.get()[3]));
    }

    /** The recurrent step's product with the kernel prepared once ({@link Backend#prepare}). */
    @ParameterizedTest(name = "transposeB={0} beta={1} {2}")
    @MethodSource("preparedGemmCases")
    void preparedGemmMatchesReference(boolean transposeB, double beta, Layout layout) {
        checkGemm(96, 64, ROWS, false, transposeB, 1.0, beta, layout, 15, true);
    }

    @Test
    void preparedGemmOnNotebookSizedStepViews() {
        // A part of the notebook's batch: [64,256]·[256,256] into a block of rows of the pre-activations.
        checkGemm(64, 256, 256, false, false, 1.0, 1.0, Layout.VIEW, 16, true);
        checkGemm(64, 256, 256, false, true, 1.0, 0.0, Layout.VIEW, 17, true);
    }

    /** Preparing again after the matrix changed, reusing the old one, gives products with the new values. */
    @Test
    void preparedMatrixFollowsTheValuesOfItsLastPreparation() {
        SplittableRandom random = new SplittableRandom(18);
        INDArray a = Operand.random(Layout.PLAIN, new long[] {32, 48}, random, 1.0).array();
        INDArray b = Operand.random(Layout.PLAIN, new long[] {48, 40}, random, 1.0).array();
        PreparedMatrix first = backend().prepare(b, false, 32, null);
        assertThat(first.matrix()).isSameAs(b);
        assertThat(first.transposed()).isFalse();
        assertThat(first.rows()).isEqualTo(32);
        INDArray before = backend().zeros(DataType.FLOAT, 32, 40);
        backend().gemm(a, first, before, 0.0);

        b.muli(-2.0);
        PreparedMatrix second = backend().prepare(b, false, 32, first);
        INDArray after = backend().zeros(DataType.FLOAT, 32, 40);
        backend().gemm(a, second, after, 0.0);

        double[] expected = values(before);
        double[] scale = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] *= -2.0;
            scale[i] = Math.sqrt(48);
        }
        assertClose("product after preparing the changed matrix again", values(after), expected, scale,
                FLOAT_TOLERANCE);
        // Reused for another shape: a new preparation of the right size.
        INDArray wide = Operand.random(Layout.PLAIN, new long[] {48, 72}, random, 1.0).array();
        PreparedMatrix third = backend().prepare(wide, false, 32, second);
        INDArray product = backend().zeros(DataType.FLOAT, 32, 72);
        backend().gemm(a, third, product, 0.0);
        INDArray plain = backend().zeros(DataType.FLOAT, 32, 72);
        backend().gemm(a, wide, plain, false, false, 1.0, 0.0);
        double[] wideScale = new double[32 * 72];
        Arrays.fill(wideScale, Math.sqrt(48));
        assertClose("product with a matrix of another shape prepared in a reused one", values(product),
                values(plain), wideScale, FLOAT_TOLERANCE);
    }

    @Test
    void preparedGemmInDoublePrecision() {
        SplittableRandom random = new SplittableRandom(19);
        INDArray a = Nd4j.create(random.doubles(6 * 5, -1, 1).toArray(), new long[] {6, 5}, 'c');
        INDArray b = Nd4j.create(random.doubles(4 * 5, -1, 1).toArray(), new long[] {4, 5}, 'c');
        INDArray c = backend().zeros(DataType.DOUBLE, 6, 4);
        backend().gemm(a, backend().prepare(b, true, 6, null), c, 0.0);
        double[] expected = values(a.mmul(b.transpose()));
        double[] scale = new double[expected.length];
        Arrays.fill(scale, 1.0);
        assertClose("double-precision prepared product", values(c), expected, scale, DOUBLE_TOLERANCE);
    }

    @Test
    void preparedGemmRejectsAnotherRowCount() {
        SplittableRandom random = new SplittableRandom(20);
        INDArray b = Operand.random(Layout.PLAIN, new long[] {16, 8}, random, 1.0).array();
        PreparedMatrix prepared = backend().prepare(b, false, 4, null);
        INDArray a = backend().zeros(DataType.FLOAT, 5, 16);
        INDArray c = backend().zeros(DataType.FLOAT, 5, 8);
        assertThatThrownBy(() -> backend().gemm(a, prepared, c, 0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4").hasMessageContaining("[5, 16]");
        assertThatThrownBy(() -> backend().prepare(b, false, 0, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 rows");
    }

    /**
     * Checks {@code c = alpha * op(a) * op(b) + beta * c} for {@code op(a) [m, k]}, {@code op(b) [k, n]}.
     */
    private void checkGemm(int m, int n, int k, boolean transposeA, boolean transposeB, double alpha, double beta,
            Layout layout, long seed) {
        checkGemm(m, n, k, transposeA, transposeB, alpha, beta, layout, seed, false);
    }

    /**
     * Checks {@code c = alpha * op(a) * op(b) + beta * c} for {@code op(a) [m, k]}, {@code op(b) [k, n]}, with
     * {@code b} prepared first ({@link Backend#prepare}) when asked.
     */
    private void checkGemm(int m, int n, int k, boolean transposeA, boolean transposeB, double alpha, double beta,
            Layout layout, long seed, boolean prepared) {
        SplittableRandom random = new SplittableRandom(seed);
        Operand a = Operand.random(layout, transposeA ? new long[] {k, m} : new long[] {m, k}, random, 1.0);
        Operand b = Operand.random(layout, transposeB ? new long[] {n, k} : new long[] {k, n}, random, 1.0);
        Operand c = Operand.random(layout, new long[] {m, n}, random, 1.0);
        double[] av = a.reference();
        double[] bv = b.reference();
        double[] cv = c.reference();
        double[] expected = new double[m * n];
        double[] scale = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0.0;
                double magnitude = 0.0;
                for (int p = 0; p < k; p++) {
                    double left = transposeA ? av[p * m + i] : av[i * k + p];
                    double right = transposeB ? bv[j * k + p] : bv[p * n + j];
                    sum += left * right;
                    magnitude += Math.abs(left * right);
                }
                expected[i * n + j] = alpha * sum + beta * cv[i * n + j];
                scale[i * n + j] = Math.abs(alpha) * magnitude + Math.abs(beta * cv[i * n + j]);
            }
        }

        if (prepared) {
            backend().gemm(a.array(), backend().prepare(b.array(), transposeB, m, null), c.array(), beta);
        } else {
            backend().gemm(a.array(), b.array(), c.array(), transposeA, transposeB, alpha, beta);
        }

        String what = (prepared ? "prepared " : "") + "gemm(transposeA=" + transposeA + ", transposeB=" + transposeB + ", alpha=" + alpha + ", beta="
                + beta + ", " + layout + ")";
        assertClose(what, values(c.array()), expected, scale, FLOAT_TOLERANCE);
        c.assertSurroundingsUnchanged(what);
        a.assertUnchanged(what + " input a");
        b.assertUnchanged(what + " input b");
    }

    // ---------------------------------------------------------------- activations

    protected static Stream<Arguments> activationCases() {
        List<Arguments> cases = new ArrayList<>();
        for (ActivationFunction function : ActivationFunction.values()) {
            for (Layout layout : Layout.values()) {
                for (boolean inPlace : new boolean[] {false, true}) {
                    cases.add(Arguments.of(function, layout, inPlace));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} inPlace={2}")
    @MethodSource("activationCases")
    void activationMatchesReference(ActivationFunction function, Layout layout, boolean inPlace) {
        SplittableRandom random = new SplittableRandom(21 + function.ordinal());
        Operand x = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 4.0);
        Operand out = inPlace ? x : Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        double[] expected = Reference.activation(function, x.reference(), COLUMNS);

        backend().activation(function, x.array(), out.array());

        String what = "activation(" + function + ", " + layout + (inPlace ? ", in place)" : ")");
        assertClose(what, values(out.array()), expected, ones(expected.length), FLOAT_TOLERANCE);
        out.assertSurroundingsUnchanged(what);
        if (!inPlace) {
            x.assertUnchanged(what + " input");
        }
    }

    @ParameterizedTest(name = "{0} {1} dxAliasesDy={2}")
    @MethodSource("activationCases")
    void activationBackwardMatchesReference(ActivationFunction function, Layout layout, boolean dxAliasesDy) {
        SplittableRandom random = new SplittableRandom(31 + function.ordinal());
        double[] input = randomValues(ROWS * COLUMNS, random, 3.0);
        float[] output = toFloats(Reference.activation(function, input, COLUMNS));
        Operand y = Operand.of(layout, new long[] {ROWS, COLUMNS}, output, random);
        Operand dy = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        Operand dx = dxAliasesDy ? dy : Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        double[] expected = Reference.activationBackward(function, y.reference(), dy.reference(), COLUMNS);

        backend().activationBackward(function, y.array(), dy.array(), dx.array());

        String what = "activationBackward(" + function + ", " + layout + (dxAliasesDy ? ", dx = dy)" : ")");
        assertClose(what, values(dx.array()), expected, ones(expected.length), FLOAT_TOLERANCE);
        dx.assertSurroundingsUnchanged(what);
        y.assertUnchanged(what + " y");
        if (!dxAliasesDy) {
            dy.assertUnchanged(what + " dy");
        }
    }

    // ---------------------------------------------------------------- vectors and elementwise

    protected static Stream<Arguments> layoutsAndVectorShapes() {
        return Stream.of(Layout.values()).flatMap(layout -> Stream.of(Arguments.of(layout, false),
                Arguments.of(layout, true)));
    }

    @ParameterizedTest(name = "{0} rowVector2d={1}")
    @MethodSource("layoutsAndVectorShapes")
    void addRowVectorAddsToEveryRow(Layout layout, boolean rowVector2d) {
        SplittableRandom random = new SplittableRandom(41);
        Operand matrix = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        Operand row = Operand.random(Layout.PLAIN, rowVector2d ? new long[] {1, COLUMNS} : new long[] {COLUMNS},
                random, 1.0);
        double[] m = matrix.reference();
        double[] r = row.reference();
        double[] expected = new double[m.length];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                expected[i * COLUMNS + j] = m[i * COLUMNS + j] + r[j];
            }
        }

        backend().addRowVector(matrix.array(), row.array());

        String what = "addRowVector(" + layout + ", row " + Arrays.toString(row.array().shape()) + ")";
        assertClose(what, values(matrix.array()), expected, ones(expected.length), FLOAT_TOLERANCE);
        matrix.assertSurroundingsUnchanged(what);
        row.assertUnchanged(what + " row");
    }

    @ParameterizedTest(name = "{0} out2d={1}")
    @MethodSource("layoutsAndVectorShapes")
    void sumRowsSumsEveryColumn(Layout layout, boolean out2d) {
        SplittableRandom random = new SplittableRandom(51);
        Operand matrix = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        Operand out = Operand.random(Layout.PLAIN, out2d ? new long[] {1, COLUMNS} : new long[] {COLUMNS}, random,
                1.0);
        double[] m = matrix.reference();
        double[] expected = new double[COLUMNS];
        double[] scale = new double[COLUMNS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLUMNS; j++) {
                expected[j] += m[i * COLUMNS + j];
                scale[j] += Math.abs(m[i * COLUMNS + j]);
            }
        }

        backend().sumRows(matrix.array(), out.array());

        String what = "sumRows(" + layout + ", out " + Arrays.toString(out.array().shape()) + ")";
        assertClose(what, values(out.array()), expected, scale, FLOAT_TOLERANCE);
        matrix.assertUnchanged(what + " matrix");
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void sumOfSquaresAddsEverySquaredElement(Layout layout) {
        SplittableRandom random = new SplittableRandom(57);
        Operand x = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        double expected = 0;
        for (double value : x.reference()) {
            expected += value * value;
        }

        double found = backend().sumOfSquares(x.array());

        assertThat(found).as("sumOfSquares(" + layout + ")").isCloseTo(expected, within(expected * 1e-6));
        x.assertUnchanged("sumOfSquares(" + layout + ") x");
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void axpyAddsScaledInput(Layout layout) {
        SplittableRandom random = new SplittableRandom(61);
        Operand x = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        Operand y = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        double alpha = -0.37;
        double[] xv = x.reference();
        double[] yv = y.reference();
        double[] expected = new double[xv.length];
        double[] scale = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            expected[i] = yv[i] + alpha * xv[i];
            scale[i] = Math.max(1.0, Math.abs(yv[i]) + Math.abs(alpha * xv[i]));
        }

        backend().axpy(alpha, x.array(), y.array());

        String what = "axpy(" + layout + ")";
        assertClose(what, values(y.array()), expected, scale, FLOAT_TOLERANCE);
        y.assertSurroundingsUnchanged(what);
        x.assertUnchanged(what + " x");
    }

    /** Where {@link Backend#multiply} writes. */
    protected enum Target {
        SEPARATE, INTO_A, INTO_B
    }

    protected static Stream<Arguments> multiplyCases() {
        return Stream.of(Layout.values()).flatMap(layout -> Stream.of(Target.values())
                .map(target -> Arguments.of(layout, target)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("multiplyCases")
    void multiplyIsElementwise(Layout layout, Target target) {
        SplittableRandom random = new SplittableRandom(71);
        Operand a = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 2.0);
        Operand b = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 2.0);
        Operand out = switch (target) {
            case SEPARATE -> Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
            case INTO_A -> a;
            case INTO_B -> b;
        };
        double[] av = a.reference();
        double[] bv = b.reference();
        double[] expected = new double[av.length];
        for (int i = 0; i < av.length; i++) {
            expected[i] = av[i] * bv[i];
        }

        backend().multiply(a.array(), b.array(), out.array());

        String what = "multiply(" + layout + ", " + target + ")";
        assertClose(what, values(out.array()), expected, ones(expected.length), FLOAT_TOLERANCE);
        out.assertSurroundingsUnchanged(what);
    }

    // ---------------------------------------------------------------- data movement

    @ParameterizedTest
    @EnumSource(Layout.class)
    void writeCopiesValuesInCOrder(Layout layout) {
        SplittableRandom random = new SplittableRandom(81);
        Operand target = Operand.random(layout, new long[] {ROWS, COLUMNS}, random, 1.0);
        float[] written = toFloats(randomValues(ROWS * COLUMNS, random, 5.0));

        backend().write(written, target.array());

        String what = "write(" + layout + ")";
        assertSameBits(what, floats(target.array()), written);
        target.assertSurroundingsUnchanged(what);
    }

    protected static Stream<Arguments> copyCases() {
        return Stream.of(Layout.values()).flatMap(source -> Stream.of(Layout.values())
                .map(target -> Arguments.of(source, target)));
    }

    @ParameterizedTest(name = "source {0} target {1}")
    @MethodSource("copyCases")
    void copyCopiesEveryElement(Layout sourceLayout, Layout targetLayout) {
        SplittableRandom random = new SplittableRandom(83);
        Operand source = Operand.random(sourceLayout, new long[] {ROWS, COLUMNS}, random, 3.0);
        Operand target = Operand.random(targetLayout, new long[] {ROWS, COLUMNS}, random, 1.0);

        backend().copy(source.array(), target.array());

        String what = "copy(" + sourceLayout + " to " + targetLayout + ")";
        assertSameBits(what, floats(target.array()), floats(source.array()));
        target.assertSurroundingsUnchanged(what);
        source.assertUnchanged(what + " source");
        assertThatThrownBy(() -> backend().copy(source.array(), backend().zeros(DataType.FLOAT, ROWS, COLUMNS + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ in shape");
    }

    protected static Stream<Arguments> timeMajorCases() {
        return Stream.of(Layout.values()).flatMap(target -> Stream.of(Arguments.of(target, false),
                Arguments.of(target, true)));
    }

    @ParameterizedTest(name = "target {0} masked={1}")
    @MethodSource("timeMajorCases")
    void copyTimeMajorPutsStepTOfSampleBAtRowTTimesBatchPlusB(Layout targetLayout, boolean masked) {
        SplittableRandom random = new SplittableRandom(85);
        int batch = 5;
        int steps = 7;
        int features = 3;
        Operand source = Operand.random(Layout.PLAIN, new long[] {batch, steps, features}, random, 2.0);
        Operand mask = masked ? Operand.random(Layout.PLAIN, new long[] {batch, features}, random, 1.0) : null;
        Operand target = Operand.random(targetLayout, new long[] {steps * batch, features}, random, 1.0);

        backend().copyTimeMajor(source.array(), masked ? mask.array() : null, target.array());

        float[] expected = relayout(floats(source.array()), masked ? floats(mask.array()) : null, batch, steps,
                features, true);
        String what = "copyTimeMajor(target " + targetLayout + ", masked " + masked + ")";
        assertSameBits(what, floats(target.array()), expected);
        target.assertSurroundingsUnchanged(what);
        source.assertUnchanged(what + " source");
        assertThatThrownBy(() -> backend().copyTimeMajor(source.array(), null,
                backend().zeros(DataType.FLOAT, steps * batch, features + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copyTimeMajor");
    }

    protected static Stream<Arguments> batchMajorCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout source : Layout.values()) {
            for (Layout target : new Layout[] {Layout.PLAIN, Layout.VIEW}) {
                cases.add(Arguments.of(source, target, false));
                cases.add(Arguments.of(source, target, true));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "source {0} target {1} masked={2}")
    @MethodSource("batchMajorCases")
    void copyBatchMajorUndoesTheTimeMajorLayout(Layout sourceLayout, Layout targetLayout, boolean masked) {
        SplittableRandom random = new SplittableRandom(86);
        int batch = 4;
        int steps = 6;
        int features = 5;
        Operand source = Operand.random(sourceLayout, new long[] {steps * batch, features}, random, 2.0);
        Operand mask = masked ? Operand.random(Layout.PLAIN, new long[] {batch, features}, random, 1.0) : null;
        Operand target = Operand.random(targetLayout, new long[] {batch, steps, features}, random, 1.0);

        backend().copyBatchMajor(source.array(), masked ? mask.array() : null, target.array());

        float[] expected = relayout(floats(source.array()), masked ? floats(mask.array()) : null, batch, steps,
                features, false);
        String what = "copyBatchMajor(source " + sourceLayout + ", target " + targetLayout + ", masked " + masked + ")";
        assertSameBits(what, floats(target.array()), expected);
        target.assertSurroundingsUnchanged(what);
        source.assertUnchanged(what + " source");
        assertThatThrownBy(() -> backend().copyBatchMajor(source.array(), null,
                backend().zeros(DataType.FLOAT, batch, steps + 1, features)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("copyBatchMajor");
    }

    @ParameterizedTest(name = "layout {0}")
    @org.junit.jupiter.params.provider.EnumSource(Layout.class)
    void reversedCopiesRunTheStepsFromTheLast(Layout layout) {
        SplittableRandom random = new SplittableRandom(87);
        int batch = 3;
        int steps = 5;
        int features = 4;
        Operand source = Operand.random(Layout.PLAIN, new long[] {batch, steps, features}, random, 2.0);
        Operand mask = Operand.random(Layout.PLAIN, new long[] {batch, features}, random, 1.0);
        Operand timeMajor = Operand.random(layout, new long[] {steps * batch, features}, random, 1.0);
        backend().copyTimeMajor(source.array(), mask.array(), timeMajor.array(), true);
        assertSameBits("copyTimeMajor reversed " + layout, floats(timeMajor.array()), relayout(floats(source.array()),
                floats(mask.array()), batch, steps, features, true, true));
        timeMajor.assertSurroundingsUnchanged("copyTimeMajor reversed");
        Operand back = Operand.random(Layout.PLAIN, new long[] {batch, steps, features}, random, 1.0);
        backend().copyBatchMajor(timeMajor.array(), null, back.array(), true);
        assertSameBits("copyBatchMajor reversed " + layout, floats(back.array()), relayout(floats(timeMajor.array()),
                null, batch, steps, features, false, true));
    }

    @ParameterizedTest(name = "layout {0}")
    @org.junit.jupiter.params.provider.EnumSource(Layout.class)
    void copyDroppedRowsCopiesOnlyTheRowsAMaskDrops(Layout layout) {
        SplittableRandom random = new SplittableRandom(88);
        Operand source = Operand.random(layout, new long[] {6, 5}, random, 2.0);
        Operand target = Operand.random(layout, new long[] {6, 5}, random, 1.0);
        float[] before = floats(target.array());
        float[] keep = {9f, 1f, 0f, 1f, 0f, 0f, 1f, 9f};
        backend().copyDroppedRows(keep, 1, source.array(), target.array());
        float[] expected = before.clone();
        float[] from = floats(source.array());
        for (int r = 0; r < 6; r++) {
            if (keep[1 + r] == 0f) {
                System.arraycopy(from, r * 5, expected, r * 5, 5);
            }
        }
        assertSameBits("copyDroppedRows " + layout, floats(target.array()), expected);
        target.assertSurroundingsUnchanged("copyDroppedRows");
        source.assertUnchanged("copyDroppedRows source");
    }

    @Test
    void rowVectorProductsAndColumnSums() {
        SplittableRandom random = new SplittableRandom(89);
        Operand matrix = Operand.random(Layout.PLAIN, new long[] {4, 3}, random, 2.0);
        Operand row = Operand.random(Layout.PLAIN, new long[] {3}, random, 1.0);
        INDArray out = backend().zeros(DataType.FLOAT, 4, 3);
        backend().multiplyRowVector(matrix.array(), row.array(), out);
        float[] m = floats(matrix.array());
        float[] v = floats(row.array());
        float[] product = new float[12];
        float[] sums = {1f, 2f, 3f};
        for (int i = 0; i < 12; i++) {
            product[i] = m[i] * v[i % 3];
            sums[i % 3] += m[i];
        }
        assertSameBits("multiplyRowVector", floats(out), product);
        INDArray accumulated = Nd4j.createFromArray(1f, 2f, 3f);
        backend().addColumnSums(matrix.array(), accumulated);
        float[] actual = floats(accumulated);
        for (int j = 0; j < 3; j++) {
            assertThat((double) actual[j]).as("addColumnSums %d", j).isCloseTo(sums[j],
                    org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    private static float[] relayout(float[] in, float[] mask, int batch, int steps, int features, boolean toTimeMajor) {
        return relayout(in, mask, batch, steps, features, toTimeMajor, false);
    }

    /**
     * The reference for both layout copies: batch-major {@code [b][t][f]} to time-major {@code [t * batch + b][f]} or
     * back (with {@code reversed}, time-major step {@code t} is batch-major step {@code steps - 1 - t}), times
     * {@code mask[b][f]} where a mask is given.
     */
    private static float[] relayout(float[] in, float[] mask, int batch, int steps, int features, boolean toTimeMajor,
            boolean reversed) {
        float[] out = new float[steps * batch * features];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int batchMajor = (b * steps + (reversed ? steps - 1 - t : t)) * features;
                int timeMajor = (t * batch + b) * features;
                for (int f = 0; f < features; f++) {
                    float value = in[(toTimeMajor ? batchMajor : timeMajor) + f];
                    out[(toTimeMajor ? timeMajor : batchMajor) + f] = mask == null ? value
                            : value * mask[b * features + f];
                }
            }
        }
        return out;
    }

    @Test
    void writeIntoA3dTarget() {
        INDArray target = backend().zeros(DataType.FLOAT, 2, 3, 4);
        float[] written = toFloats(randomValues(24, new SplittableRandom(82), 1.0));

        backend().write(written, target);

        assertThat(floats(target)).containsExactly(written);
        assertThat(target.getDouble(1, 2, 3)).isEqualTo(written[23]);
    }

    @Test
    void writeRejectsTheWrongNumberOfValues() {
        INDArray target = backend().zeros(DataType.FLOAT, 4, 5);

        assertThatThrownBy(() -> backend().write(new float[19], target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20")
                .hasMessageContaining("19");
    }

    protected static Stream<Arguments> gatherCases() {
        List<Arguments> cases = new ArrayList<>();
        // gatherRows reads whole samples: sources and targets are contiguous arrays or row blocks.
        for (Layout source : new Layout[] {Layout.PLAIN, Layout.VIEW}) {
            for (Layout target : new Layout[] {Layout.PLAIN, Layout.VIEW}) {
                for (int rank : new int[] {2, 3}) {
                    cases.add(Arguments.of(source, target, rank));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "source {0} target {1} rank {2}")
    @MethodSource("gatherCases")
    void gatherRowsCopiesTheChosenSamples(Layout sourceLayout, Layout targetLayout, int rank) {
        SplittableRandom random = new SplittableRandom(91);
        int samples = 50;
        int batch = 8;
        long[] trailing = rank == 3 ? new long[] {7, 5} : new long[] {35};
        Operand source = Operand.random(sourceLayout, prepend(samples, trailing), random, 1.0);
        Operand target = Operand.random(targetLayout, prepend(batch, trailing), random, 1.0);
        int[] rows = {3, 49, 0, 17, 17, 25, 8, 42, 11, 30, 1, 2};
        int from = 3;
        int rowLength = 35;
        float[] sourceValues = floats(source.array());
        float[] expected = new float[batch * rowLength];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(sourceValues, rows[from + i] * rowLength, expected, i * rowLength, rowLength);
        }

        backend().gatherRows(source.array(), rows, from, target.array());

        String what = "gatherRows(source " + sourceLayout + ", target " + targetLayout + ", rank " + rank + ")";
        assertThat(floats(target.array())).as(what).containsExactly(expected);
        target.assertSurroundingsUnchanged(what);
        source.assertUnchanged(what + " source");
    }

    // ---------------------------------------------------------------- float64, as the gradient checker uses

    @Test
    void float64ArraysKeepDoublePrecision() {
        SplittableRandom random = new SplittableRandom(101);
        int m = 6;
        int k = 5;
        int n = 4;
        double[] a = randomValues(k * m, random, 1.0);
        double[] b = randomValues(k * n, random, 1.0);
        double[] bias = randomValues(n, random, 1.0);
        double[] dy = randomValues(m * n, random, 1.0);
        INDArray aArray = Nd4j.create(a, new long[] {k, m}, 'c');
        INDArray bArray = Nd4j.create(b, new long[] {k, n}, 'c');
        INDArray biasArray = Nd4j.create(bias, new long[] {n}, 'c');
        INDArray dyArray = Nd4j.create(dy, new long[] {m, n}, 'c');
        INDArray c = backend().zeros(DataType.DOUBLE, m, n);
        INDArray dx = backend().zeros(DataType.DOUBLE, m, n);
        INDArray sums = backend().zeros(DataType.DOUBLE, n);

        backend().gemm(aArray, bArray, c, true, false, 1.0, 0.0);
        backend().addRowVector(c, biasArray);
        backend().activation(ActivationFunction.SIGMOID, c, c);
        backend().activationBackward(ActivationFunction.SIGMOID, c, dyArray, dx);
        backend().multiply(dx, dyArray, dx);
        backend().axpy(0.5, dyArray, dx);
        backend().sumRows(dx, sums);

        double[] z = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = bias[j];
                for (int p = 0; p < k; p++) {
                    sum += a[p * m + i] * b[p * n + j];
                }
                z[i * n + j] = sum;
            }
        }
        double[] y = Reference.activation(ActivationFunction.SIGMOID, z, n);
        double[] gradient = Reference.activationBackward(ActivationFunction.SIGMOID, y, dy, n);
        double[] expectedSums = new double[n];
        for (int i = 0; i < m * n; i++) {
            gradient[i] = gradient[i] * dy[i] + 0.5 * dy[i];
            expectedSums[i % n] += gradient[i];
        }
        assertThat(c.dataType()).isEqualTo(DataType.DOUBLE);
        assertClose("float64 sigmoid(a^T·b + bias)", values(c), y, ones(y.length), DOUBLE_TOLERANCE);
        assertClose("float64 gradient", values(dx), gradient, ones(gradient.length), DOUBLE_TOLERANCE);
        assertClose("float64 sumRows", values(sums), expectedSums, ones(n), DOUBLE_TOLERANCE);
    }

    // ---------------------------------------------------------------- the notebook's step in miniature

    @Test
    void notebookStepMatchesReference() {
        Notebook notebook = new Notebook();
        Map<String, float[]> actual = notebook.run(backend());
        Map<String, double[]> expected = notebook.reference();

        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        for (Map.Entry<String, double[]> entry : expected.entrySet()) {
            double[] reference = entry.getValue();
            double largest = 0.0;
            for (double value : reference) {
                largest = Math.max(largest, Math.abs(value));
            }
            double[] scale = new double[reference.length];
            Arrays.fill(scale, largest);
            assertClose("notebook step: " + entry.getKey(), toDoubles(actual.get(entry.getKey())), reference, scale,
                    FLOAT_TOLERANCE);
        }
    }

    @Test
    void sameInputsGiveBitIdenticalResults() {
        Notebook notebook = new Notebook();
        Map<String, float[]> first = notebook.run(backend());
        Map<String, float[]> second = notebook.run(backend());

        for (String name : first.keySet()) {
            assertThat(bits(second.get(name))).as("second run of the notebook step: " + name)
                    .containsExactly(bits(first.get(name)));
        }

        SplittableRandom random = new SplittableRandom(111);
        Operand a = Operand.random(Layout.VIEW, new long[] {ROWS, 256}, random, 1.0);
        Operand b = Operand.random(Layout.PLAIN, new long[] {256, 256}, random, 1.0);
        INDArray once = backend().zeros(DataType.FLOAT, ROWS, 256);
        INDArray twice = backend().zeros(DataType.FLOAT, ROWS, 256);
        backend().gemm(a.array(), b.array(), once, false, false, 1.0, 0.0);
        backend().gemm(a.array(), b.array(), twice, false, false, 1.0, 0.0);
        assertSameBits("gemm run twice", floats(twice), floats(once));
    }

    // ---------------------------------------------------------------- parts

    @Test
    void runPartsRunsEveryPartOnce() {
        assertThat(backend().parallelism()).as("parallelism").isGreaterThanOrEqualTo(1);
        for (int parts : new int[] {1, 2, 3, backend().parallelism()}) {
            java.util.concurrent.atomic.AtomicIntegerArray runs = new java.util.concurrent.atomic.AtomicIntegerArray(
                    parts);
            backend().runParts(parts, runs::incrementAndGet);
            for (int i = 0; i < parts; i++) {
                assertThat(runs.get(i)).as("runs of part " + i + " of " + parts).isEqualTo(1);
            }
        }
        assertThatThrownBy(() -> backend().runParts(0, i -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("found 0");
    }

    @Test
    void runPartsRethrowsAFailureAndStaysUsable() {
        int parts = Math.max(2, backend().parallelism());
        assertThatThrownBy(() -> backend().runParts(parts, i -> {
            if (i == parts - 1) {
                throw new IllegalStateException("part " + i + " failed on purpose");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed on purpose");

        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        backend().runParts(parts, i -> runs.incrementAndGet());
        assertThat(runs.get()).isEqualTo(parts);
    }

    @Test
    void runStepReturnsTheWorksValueNestsAndRethrows() {
        int[] calls = new int[1];
        String value = backend().runStep(() -> {
            calls[0]++;
            int inner = backend().runStep(() -> {
                calls[0]++;
                java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
                backend().runParts(Math.max(2, backend().parallelism()), i -> runs.incrementAndGet());
                return runs.get();
            });
            return "inner ran " + inner + " parts";
        });
        assertThat(value).isEqualTo("inner ran " + Math.max(2, backend().parallelism()) + " parts");
        assertThat(calls[0]).as("each step's work runs once").isEqualTo(2);

        assertThatThrownBy(() -> backend().runStep(() -> {
            throw new IllegalStateException("step failed on purpose");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("failed on purpose");
        assertThat(backend().runStep(() -> 7)).as("usable after a failure").isEqualTo(7);
    }

    @Test
    void partStartCutsRowsIntoContiguousNearEqualParts() {
        assertThat(Backend.partStart(128, 2, 0)).isZero();
        assertThat(Backend.partStart(128, 2, 1)).isEqualTo(64);
        assertThat(Backend.partStart(128, 2, 2)).isEqualTo(128);
        assertThat(Backend.partStart(7, 3, 1)).isEqualTo(2);
        assertThat(Backend.partStart(7, 3, 2)).isEqualTo(4);
        assertThat(Backend.partStart(1, 2, 1)).isZero();
    }

    /**
     * Products computed part by part on row blocks (as the recurrent layers do inside {@link Backend#runParts}) agree
     * with the whole product to float32 rounding, for the recurrent step's shape and for a short inner dimension (the
     * input projection). Not bit for bit: OpenBLAS's AVX2 kernels round differently on edge tiles (seen here: 2,346 of
     * 32,768 elements of a 128x256x256 product differ in the last bits when split in two row halves).
     */
    @ParameterizedTest(name = "m={0} k={1} n={2} parts={3}")
    @MethodSource("partGemmCases")
    void gemmByRowPartsMatchesTheWholeProduct(int m, int k, int n, int parts) {
        SplittableRandom random = new SplittableRandom(m * 31L + k * 7L + n + parts);
        INDArray a = Operand.random(Layout.PLAIN, new long[] {m, k}, random, 1.0).array();
        INDArray b = Operand.random(Layout.PLAIN, new long[] {k, n}, random, 1.0).array();
        INDArray start = Operand.random(Layout.PLAIN, new long[] {m, n}, random, 1.0).array();
        INDArray whole = start.dup();
        INDArray byParts = start.dup();
        backend().gemm(a, b, whole, false, false, 1.0, 1.0);
        backend().runParts(parts, part -> {
            int from = Backend.partStart(m, parts, part);
            int to = Backend.partStart(m, parts, part + 1);
            if (from < to) {
                backend().gemm(a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), b,
                        byParts.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), false, false, 1.0, 1.0);
            }
        });
        double[] expected = toDoubles(floats(whole));
        double[] scale = new double[expected.length];
        Arrays.fill(scale, Math.sqrt(k));
        assertClose("product by " + parts + " row parts against the whole product", toDoubles(floats(byParts)),
                expected, scale, FLOAT_TOLERANCE);
    }

    protected static Stream<Arguments> partGemmCases() {
        return Stream.of(Arguments.of(ROWS, 256, 256, 2), Arguments.of(28 * ROWS, 28, 256, 2),
                Arguments.of(ROWS, 256, 256, 3), Arguments.of(100, 64, 96, 2));
    }

    /**
     * {@code h_t = tanh(x_t·Wx + h_{t-1}·Wh + b)} over 5 steps from {@code h_0 = 0}, {@code p = softmax(h_5·Wd + bd)},
     * then backward from {@code dL/dlogits = (p - y) / batch} through Dense and full BPTT, laid out time-major as
     * SimpleRNN does (step t is rows {@code [t*batch, (t+1)*batch)}), with fixed weights.
     */
    private static final class Notebook {
        static final int BATCH = 4;
        static final int STEPS = 5;
        static final int FEATURES = 6;
        static final int UNITS = 8;
        static final int CLASSES = 3;

        final float[] inputs = fixed(STEPS * BATCH * FEATURES, 1, 1.0);
        final float[] kernel = fixed(FEATURES * UNITS, 2, 0.5);
        final float[] recurrentKernel = fixed(UNITS * UNITS, 3, 0.4);
        final float[] bias = fixed(UNITS, 4, 0.1);
        final float[] denseKernel = fixed(UNITS * CLASSES, 5, 0.6);
        final float[] denseBias = fixed(CLASSES, 6, 0.1);
        final float[] labels = new float[BATCH * CLASSES];

        Notebook() {
            int[] classes = {2, 0, 1, 2};
            for (int b = 0; b < BATCH; b++) {
                labels[b * CLASSES + classes[b]] = 1f;
            }
        }

        /** Fixed weights: a smooth deterministic pattern in {@code [-scale, scale]}. */
        private static float[] fixed(int length, int salt, double scale) {
            float[] values = new float[length];
            for (int i = 0; i < length; i++) {
                values[i] = (float) (scale * Math.sin(0.7 * i + 1.3 * salt));
            }
            return values;
        }

        Map<String, float[]> run(Backend backend) {
            int rows = STEPS * BATCH;
            INDArray x = array(backend, inputs, rows, FEATURES);
            INDArray wx = array(backend, kernel, FEATURES, UNITS);
            INDArray wh = array(backend, recurrentKernel, UNITS, UNITS);
            INDArray b = array(backend, bias, UNITS);
            INDArray wd = array(backend, denseKernel, UNITS, CLASSES);
            INDArray bd = array(backend, denseBias, CLASSES);
            INDArray y = array(backend, labels, BATCH, CLASSES);

            // Forward: states[0] = h_0 = 0, states[t] = h_t.
            INDArray states = backend.zeros(DataType.FLOAT, rows + BATCH, UNITS);
            INDArray statesBefore = states.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
            INDArray statesAfter = states.get(NDArrayIndex.interval(BATCH, rows + BATCH), NDArrayIndex.all());
            INDArray[] state = blocks(states, STEPS + 1);
            backend.gemm(x, wx, statesAfter, false, false, 1.0, 0.0);
            backend.addRowVector(statesAfter, b);
            for (int t = 1; t <= STEPS; t++) {
                backend.gemm(state[t - 1], wh, state[t], false, false, 1.0, 1.0);
                backend.activation(ActivationFunction.TANH, state[t], state[t]);
            }
            INDArray logits = backend.zeros(DataType.FLOAT, BATCH, CLASSES);
            backend.gemm(state[STEPS], wd, logits, false, false, 1.0, 0.0);
            backend.addRowVector(logits, bd);
            INDArray p = backend.zeros(DataType.FLOAT, BATCH, CLASSES);
            backend.activation(ActivationFunction.SOFTMAX, logits, p);

            // Backward: softmax + cross-entropy fused, dL/dlogits = (p - y) / batch.
            INDArray dLogits = backend.zeros(DataType.FLOAT, BATCH, CLASSES);
            backend.axpy(1.0 / BATCH, p, dLogits);
            backend.axpy(-1.0 / BATCH, y, dLogits);
            INDArray dWd = backend.zeros(DataType.FLOAT, UNITS, CLASSES);
            backend.gemm(state[STEPS], dLogits, dWd, true, false, 1.0, 0.0);
            INDArray dBd = backend.zeros(DataType.FLOAT, CLASSES);
            backend.sumRows(dLogits, dBd);
            INDArray stateGradients = backend.zeros(DataType.FLOAT, rows, UNITS);
            INDArray[] dh = blocks(stateGradients, STEPS);
            backend.gemm(dLogits, wd, dh[STEPS - 1], false, true, 1.0, 0.0);
            INDArray preActivationGradients = backend.zeros(DataType.FLOAT, rows, UNITS);
            INDArray[] dz = blocks(preActivationGradients, STEPS);
            for (int t = STEPS; t >= 1; t--) {
                backend.activationBackward(ActivationFunction.TANH, state[t], dh[t - 1], dz[t - 1]);
                if (t > 1) {
                    backend.gemm(dz[t - 1], wh, dh[t - 2], false, true, 1.0, 0.0);
                }
            }
            INDArray dWx = backend.zeros(DataType.FLOAT, FEATURES, UNITS);
            backend.gemm(x, preActivationGradients, dWx, true, false, 1.0, 0.0);
            INDArray dWh = backend.zeros(DataType.FLOAT, UNITS, UNITS);
            backend.gemm(statesBefore, preActivationGradients, dWh, true, false, 1.0, 0.0);
            INDArray dB = backend.zeros(DataType.FLOAT, UNITS);
            backend.sumRows(preActivationGradients, dB);
            INDArray dX = backend.zeros(DataType.FLOAT, rows, FEATURES);
            backend.gemm(preActivationGradients, wx, dX, false, true, 1.0, 0.0);

            Map<String, float[]> results = new LinkedHashMap<>();
            results.put("h_5", floats(state[STEPS]));
            results.put("p", floats(p));
            results.put("dL/dDenseKernel", floats(dWd));
            results.put("dL/dDenseBias", floats(dBd));
            results.put("dL/dKernel", floats(dWx));
            results.put("dL/dRecurrentKernel", floats(dWh));
            results.put("dL/dBias", floats(dB));
            results.put("dL/dInputs", floats(dX));
            return results;
        }

        Map<String, double[]> reference() {
            int rows = STEPS * BATCH;
            double[] x = toDoubles(inputs);
            double[] wx = toDoubles(kernel);
            double[] wh = toDoubles(recurrentKernel);
            double[] wd = toDoubles(denseKernel);
            double[][] h = new double[STEPS + 1][BATCH * UNITS];
            for (int t = 1; t <= STEPS; t++) {
                for (int r = 0; r < BATCH; r++) {
                    for (int u = 0; u < UNITS; u++) {
                        double sum = bias[u];
                        for (int f = 0; f < FEATURES; f++) {
                            sum += x[((t - 1) * BATCH + r) * FEATURES + f] * wx[f * UNITS + u];
                        }
                        for (int v = 0; v < UNITS; v++) {
                            sum += h[t - 1][r * UNITS + v] * wh[v * UNITS + u];
                        }
                        h[t][r * UNITS + u] = Math.tanh(sum);
                    }
                }
            }
            double[] logits = new double[BATCH * CLASSES];
            for (int r = 0; r < BATCH; r++) {
                for (int c = 0; c < CLASSES; c++) {
                    double sum = denseBias[c];
                    for (int u = 0; u < UNITS; u++) {
                        sum += h[STEPS][r * UNITS + u] * wd[u * CLASSES + c];
                    }
                    logits[r * CLASSES + c] = sum;
                }
            }
            double[] p = Reference.activation(ActivationFunction.SOFTMAX, logits, CLASSES);

            double[] dLogits = new double[BATCH * CLASSES];
            for (int i = 0; i < dLogits.length; i++) {
                dLogits[i] = (p[i] - labels[i]) / BATCH;
            }
            double[] dWd = new double[UNITS * CLASSES];
            double[] dBd = new double[CLASSES];
            double[][] dh = new double[STEPS + 1][BATCH * UNITS];
            for (int r = 0; r < BATCH; r++) {
                for (int c = 0; c < CLASSES; c++) {
                    double g = dLogits[r * CLASSES + c];
                    dBd[c] += g;
                    for (int u = 0; u < UNITS; u++) {
                        dWd[u * CLASSES + c] += h[STEPS][r * UNITS + u] * g;
                        dh[STEPS][r * UNITS + u] += g * wd[u * CLASSES + c];
                    }
                }
            }
            double[] dWx = new double[FEATURES * UNITS];
            double[] dWh = new double[UNITS * UNITS];
            double[] dB = new double[UNITS];
            double[] dX = new double[rows * FEATURES];
            for (int t = STEPS; t >= 1; t--) {
                for (int r = 0; r < BATCH; r++) {
                    for (int u = 0; u < UNITS; u++) {
                        double state = h[t][r * UNITS + u];
                        double dz = dh[t][r * UNITS + u] * (1.0 - state * state);
                        dB[u] += dz;
                        for (int f = 0; f < FEATURES; f++) {
                            int xi = ((t - 1) * BATCH + r) * FEATURES + f;
                            dWx[f * UNITS + u] += x[xi] * dz;
                            dX[xi] += dz * wx[f * UNITS + u];
                        }
                        for (int v = 0; v < UNITS; v++) {
                            dWh[v * UNITS + u] += h[t - 1][r * UNITS + v] * dz;
                            dh[t - 1][r * UNITS + v] += dz * wh[v * UNITS + u];
                        }
                    }
                }
            }

            Map<String, double[]> results = new LinkedHashMap<>();
            results.put("h_5", h[STEPS]);
            results.put("p", p);
            results.put("dL/dDenseKernel", dWd);
            results.put("dL/dDenseBias", dBd);
            results.put("dL/dKernel", dWx);
            results.put("dL/dRecurrentKernel", dWh);
            results.put("dL/dBias", dB);
            results.put("dL/dInputs", dX);
            return results;
        }

        private static INDArray array(Backend backend, float[] values, long... shape) {
            INDArray array = backend.zeros(DataType.FLOAT, shape);
            backend.write(values, array);
            return array;
        }

        /** @return the row blocks {@code [i*BATCH, (i+1)*BATCH)} of a matrix, as views */
        private static INDArray[] blocks(INDArray matrix, int count) {
            INDArray[] blocks = new INDArray[count];
            for (int i = 0; i < count; i++) {
                blocks[i] = matrix.get(NDArrayIndex.interval((long) i * BATCH, (long) (i + 1) * BATCH),
                        NDArrayIndex.all());
            }
            return blocks;
        }
    }

    // ---------------------------------------------------------------- references in double precision

    /** The activations and their gradients in plain Java, double precision, rows of {@code columns} values. */
    private static final class Reference {
        private Reference() {
        }

        static double[] activation(ActivationFunction function, double[] x, int columns) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = switch (function) {
                    case LINEAR, SOFTMAX -> x[i];
                    case TANH -> Math.tanh(x[i]);
                    case RELU -> Math.max(x[i], 0.0);
                    case SIGMOID -> 1.0 / (1.0 + Math.exp(-x[i]));
                };
            }
            if (function == ActivationFunction.SOFTMAX) {
                for (int start = 0; start < x.length; start += columns) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < columns; j++) {
                        max = Math.max(max, x[start + j]);
                    }
                    double sum = 0.0;
                    for (int j = 0; j < columns; j++) {
                        y[start + j] = Math.exp(x[start + j] - max);
                        sum += y[start + j];
                    }
                    for (int j = 0; j < columns; j++) {
                        y[start + j] /= sum;
                    }
                }
            }
            return y;
        }

        static double[] activationBackward(ActivationFunction function, double[] y, double[] dy, int columns) {
            double[] dx = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                dx[i] = switch (function) {
                    case LINEAR -> dy[i];
                    case TANH -> dy[i] * (1.0 - y[i] * y[i]);
                    case RELU -> y[i] > 0.0 ? dy[i] : 0.0;
                    case SIGMOID -> dy[i] * y[i] * (1.0 - y[i]);
                    case SOFTMAX -> 0.0;
                };
            }
            if (function == ActivationFunction.SOFTMAX) {
                for (int start = 0; start < y.length; start += columns) {
                    double dot = 0.0;
                    for (int j = 0; j < columns; j++) {
                        dot += dy[start + j] * y[start + j];
                    }
                    for (int j = 0; j < columns; j++) {
                        dx[start + j] = y[start + j] * (dy[start + j] - dot);
                    }
                }
            }
            return dx;
        }
    }

    // ---------------------------------------------------------------- operands and helpers

    /**
     * An input or output of an operation: a float32 array, or a row-block view of a larger one, with a copy of what the
     * whole storage held before the operation.
     *
     * @param array  what the operation receives
     * @param whole  the array the view is part of ({@code array} itself for {@link Layout#PLAIN})
     * @param before the bits of {@code whole} before the operation, C order
     * @param positions where each element of {@code array} (C order) lies within {@code whole} (C order)
     */
    protected record Operand(INDArray array, INDArray whole, float[] before, int[] positions) {
        static Operand random(Layout layout, long[] shape, SplittableRandom random, double scale) {
            return of(layout, shape, toFloats(randomValues(Math.toIntExact(product(shape)), random, scale)), random);
        }

        /** @return an operand holding {@code values}; a view is surrounded by random values */
        static Operand of(Layout layout, long[] shape, float[] values, SplittableRandom random) {
            int length = values.length;
            if (layout == Layout.PLAIN) {
                INDArray array = Nd4j.create(values.clone(), shape, 'c');
                return new Operand(array, array, values.clone(), range(0, length, 1, length));
            }
            long[] wholeShape = shape.clone();
            INDArrayIndex[] indices = new INDArrayIndex[shape.length];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = NDArrayIndex.all();
            }
            float[] wholeValues;
            int[] positions;
            if (layout == Layout.NARROW_COLUMNS) {
                if (shape.length != 2) {
                    throw new IllegalArgumentException("a column block needs a 2-D shape, found "
                            + Arrays.toString(shape));
                }
                int rows = (int) shape[0];
                int columns = (int) shape[1];
                wholeValues = toFloats(randomValues(rows * (columns + 1), random, 1.0));
                wholeShape[1] = columns + 1;
                indices[1] = NDArrayIndex.interval(0, columns);
                positions = range(0, length, columns + 1, rows);
            } else if (layout == Layout.VIEW) {
                wholeValues = toFloats(randomValues(length * 3, random, 1.0));
                wholeShape[0] = 3 * shape[0];
                indices[0] = NDArrayIndex.interval(shape[0], 2 * shape[0]);
                positions = range(length, length, 1, length);
            } else {
                if (shape.length != 2) {
                    throw new IllegalArgumentException("a column block needs a 2-D shape, found "
                            + Arrays.toString(shape));
                }
                int rows = (int) shape[0];
                int columns = (int) shape[1];
                wholeValues = toFloats(randomValues(length * 3, random, 1.0));
                wholeShape[1] = 3 * shape[1];
                indices[1] = NDArrayIndex.interval(shape[1], 2 * shape[1]);
                positions = range(columns, length, 3 * columns, rows);
            }
            for (int i = 0; i < length; i++) {
                wholeValues[positions[i]] = values[i];
            }
            INDArray whole = Nd4j.create(wholeValues.clone(), wholeShape, 'c');
            INDArray view = whole.get(indices);
            assertThat(view.isView()).as("a block of a larger array is a view").isTrue();
            assertThat(view.shape()).containsExactly(shape);
            return new Operand(view, whole, wholeValues, positions);
        }

        /**
         * @return C-order positions in the whole array of a block {@code rows} rows of {@code length / rows}
         *         elements, the first at {@code first}, rows {@code rowStride} apart
         */
        private static int[] range(int first, int length, int rowStride, int rows) {
            int[] positions = new int[length];
            int perRow = length / rows;
            for (int i = 0; i < length; i++) {
                positions[i] = rowStride == 1 ? first + i : first + (i / perRow) * rowStride + i % perRow;
            }
            return positions;
        }

        /** @return the operand's values before the operation, exactly, in double precision */
        double[] reference() {
            double[] values = new double[positions.length];
            for (int i = 0; i < values.length; i++) {
                values[i] = before[positions[i]];
            }
            return values;
        }

        void assertSurroundingsUnchanged(String what) {
            if (whole == array) {
                return;
            }
            float[] now = floats(whole);
            boolean[] inside = new boolean[now.length];
            for (int position : positions) {
                inside[position] = true;
            }
            for (int i = 0; i < now.length; i++) {
                if (!inside[i] && Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(before[i])) {
                    fail(what + ": wrote outside its view, element " + i + " of the underlying "
                            + Arrays.toString(whole.shape()) + " array changed from " + before[i] + " to " + now[i]);
                }
            }
        }

        void assertUnchanged(String what) {
            assertSameBits(what + " must not be modified", floats(whole), before);
        }
    }

    /**
     * Fails on the first element where {@code |actual - expected| > tolerance * max(|expected|, scale)}.
     *
     * @param what      the operation, for the message
     * @param actual    the backend's results
     * @param expected  the reference
     * @param scale     the size of the terms behind each expected value
     * @param tolerance the relative tolerance
     */
    protected static void assertClose(String what, double[] actual, double[] expected, double[] scale,
            double tolerance) {
        assertThat(actual).as(what + ": number of values").hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(Math.abs(expected[i]), scale[i]);
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= allowed)) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i] + " (error "
                        + error + " > allowed " + allowed + ")");
            }
        }
    }

    /** @return the values of an array or view in C order, in double precision */
    protected static double[] values(INDArray array) {
        double[] values = array.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        return Arrays.copyOf(values, Math.toIntExact(array.length()));
    }

    /** @return the values of a float32 array or view in C order */
    protected static float[] floats(INDArray array) {
        float[] values = array.dup('c').data().asFloat();
        return Arrays.copyOf(values, Math.toIntExact(array.length()));
    }

    /**
     * Fails on the first element whose bits differ. (AssertJ's {@code containsExactly} builds a diff that is quadratic in
     * the length, seconds for the larger arrays here.)
     */
    protected static void assertSameBits(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as(what + ": number of values").isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (bit for bit)");
            }
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static double[] randomValues(int length, SplittableRandom random, double scale) {
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = scale * (2.0 * random.nextDouble() - 1.0);
        }
        return values;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    private static double[] ones(int length) {
        double[] ones = new double[length];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    private static long[] prepend(long first, long[] rest) {
        long[] shape = new long[rest.length + 1];
        shape[0] = first;
        System.arraycopy(rest, 0, shape, 1, rest.length);
        return shape;
    }

    private static long product(long[] shape) {
        long product = 1;
        for (long dimension : shape) {
            product *= dimension;
        }
        return product;
    }
}
