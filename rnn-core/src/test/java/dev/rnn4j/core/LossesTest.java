package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Loss;
import dev.rnn4j.core.io.Registry;
import dev.rnn4j.core.losses.BinaryCrossentropy;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.losses.Huber;
import dev.rnn4j.core.losses.MeanAbsoluteError;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.losses.SparseCategoricalCrossentropy;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The regression and cross-entropy losses: Keras's own test values ({@code keras/src/losses/losses_test.py}),
 * gradients against central differences in double precision on {@code [batch, features]} and
 * {@code [batch, timesteps, features]}, configs read back through {@link Registry#LOSSES}, and bad shapes refused.
 */
class LossesTest {
    private static final double[][] TRUE = {{1, 9, 2}, {-5, -2, 6}};
    private static final double[][] PREDICTED = {{4, 8, 12}, {8, 1, 3}};

    private static INDArray floats(double[][] values) {
        return Nd4j.createFromArray(values).castTo(DataType.FLOAT);
    }

    @Test
    void meanSquaredAndAbsoluteErrorMatchKeras() {
        assertThat(new MeanSquaredError().compute(floats(PREDICTED), floats(TRUE))).isCloseTo(49.5, within(1e-6));
        assertThat(new MeanAbsoluteError().compute(floats(PREDICTED), floats(TRUE))).isCloseTo(5.5, within(1e-6));
        assertThat(new MeanSquaredError().compute(floats(TRUE), floats(TRUE))).isZero();
        // Keras's timestep test without weights: [2, 3, 1], every step its own row of the mean
        INDArray y = floats(TRUE).reshape(2, 3, 1);
        INDArray p = floats(PREDICTED).reshape(2, 3, 1);
        assertThat(new MeanSquaredError().compute(p, y)).isCloseTo(49.5, within(1e-6));
        assertThat(new MeanAbsoluteError().compute(p, y)).isCloseTo(5.5, within(1e-6));
    }

    @Test
    void huberMatchesKerasSetUp() {
        INDArray p = floats(new double[][] {{0.9, 0.2, 0.2}, {0.8, 0.4, 0.6}});
        INDArray y = floats(new double[][] {{1, 0, 1}, {1, 0, 0}});
        // Keras's setup: every |error| below delta = 1, so 0.5 * (0.01 + 0.04 + 0.64 + 0.04 + 0.16 + 0.36) / 6
        assertThat(new Huber().compute(p, y)).isCloseTo(0.625 / 6, within(1e-6));
        // delta = 0.8 (test_non_default_delta): |-0.8| sits on the boundary, so the same; delta 0.5 makes it linear
        assertThat(new Huber(0.8).compute(p, y)).isCloseTo(0.625 / 6, within(1e-6));
        assertThat(new Huber(0.5).compute(p, y))
                .isCloseTo((0.005 + 0.02 + 0.5 * (0.8 - 0.25) + 0.02 + 0.08 + 0.5 * (0.6 - 0.25)) / 6, within(1e-6));
    }

    @Test
    void binaryCrossentropyMatchesKeras() {
        INDArray y = floats(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        INDArray p = floats(new double[][] {{0.9, 0.1, 0.2}, {0.3, 0.8, 0.1}, {0.1, 0.2, 0.7}});
        assertThat(new BinaryCrossentropy().compute(p, y)).isCloseTo(0.20046903, within(1e-6));
        assertThat(new BinaryCrossentropy().compute(y, y)).isCloseTo(0.0, within(1e-6));
        // a prediction of 1 for a target of 0 is clipped to float32's 1 - 1e-7, as Keras's 3.98559
        INDArray y2 = floats(new double[][] {{1, 0}, {1, 0}});
        INDArray p2 = floats(new double[][] {{1, 1}, {1, 0}});
        assertThat(new BinaryCrossentropy().compute(p2, y2)).isCloseTo(3.98559, within(1e-5));
        INDArray y3 = floats(new double[][] {{1, 0, 1}, {0, 1, 1}});
        INDArray logits = floats(new double[][] {{10, -10, 10}, {10, 10, -10}});
        assertThat(new BinaryCrossentropy(true).compute(logits, y3)).isCloseTo(3.3333, within(1e-4));
    }

    @Test
    void sparseCategoricalCrossentropyMatchesKeras() {
        INDArray y = floats(new double[][] {{0}, {1}, {2}}).reshape(3);
        INDArray p = floats(new double[][] {{0.9, 0.05, 0.05}, {0.5, 0.89, 0.6}, {0.05, 0.01, 0.94}});
        assertThat(new SparseCategoricalCrossentropy().compute(p, y)).isCloseTo(0.3239, within(1e-4));
        INDArray logits = floats(new double[][] {{8, 1, 1}, {0, 9, 1}, {2, 3, 5}});
        assertThat(new SparseCategoricalCrossentropy(true).compute(logits, y)).isCloseTo(0.0573, within(1e-4));
        // a trailing axis of 1 on the targets, as Keras's [[0], [1], [2]]; per sample 0.001822, 0.000459, 0.169846
        assertThat(new SparseCategoricalCrossentropy(true).compute(logits, y.reshape(3, 1)))
                .isCloseTo((0.001822 + 0.000459 + 0.169846) / 3, within(1e-5));
    }

    @Test
    void categoricalCrossentropyMatchesKerasOnProbabilitiesAndLogits() {
        INDArray y = floats(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        INDArray p = floats(new double[][] {{0.9, 0.05, 0.05}, {0.5, 0.89, 0.6}, {0.05, 0.01, 0.94}});
        assertThat(new CategoricalCrossentropy().compute(p, y)).isCloseTo(0.3239, within(1e-4));
        INDArray logits = floats(new double[][] {{8, 1, 1}, {0, 9, 1}, {2, 3, 5}});
        assertThat(new CategoricalCrossentropy(true).compute(logits, y)).isCloseTo(0.0573, within(1e-4));
        assertThat(new CategoricalCrossentropy(true).fusesWith(dev.rnn4j.api.ActivationFunction.SOFTMAX)).isFalse();
        // per timestep: [1, 3, 3] gives the mean of the three rows, as [3, 3] does
        assertThat(new CategoricalCrossentropy(true).compute(logits.reshape(1, 3, 3), y.reshape(1, 3, 3)))
                .isCloseTo(new CategoricalCrossentropy(true).compute(logits, y), within(1e-12));
    }

    @Test
    void sparseTargetsPerTimestep() {
        // [batch 2, timesteps 3, classes 3]: the mean over the 6 steps of -log p[target]
        INDArray logits = Nd4j.rand(DataType.DOUBLE, 2, 3, 3);
        INDArray targets = Nd4j.createFromArray(new double[][] {{0, 2, 1}, {1, 1, 0}});
        double expected = 0;
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += Math.exp(logits.getDouble(b, t, c));
                }
                expected += Math.log(sum) - logits.getDouble(b, t, (int) targets.getDouble(b, t));
            }
        }
        assertThat(new SparseCategoricalCrossentropy(true).compute(logits, targets)).isCloseTo(expected / 6,
                within(1e-12));
    }

    @Test
    void sampleWeightsMatchKeras() {
        INDArray p = floats(PREDICTED);
        INDArray y = floats(TRUE);
        INDArray scalar = Nd4j.createFromArray(2.3f);
        INDArray perSample = Nd4j.createFromArray(1.2f, 3.4f);
        assertThat(new MeanSquaredError().compute(p, y, scalar)).isCloseTo(113.85, within(1e-4));
        assertThat(new MeanSquaredError().compute(p, y, perSample)).isCloseTo(767.8 / 6, within(1e-4));
        assertThat(new MeanSquaredError().compute(p, y, Nd4j.createFromArray(0f))).isZero();
        assertThat(new MeanAbsoluteError().compute(p, y, scalar)).isCloseTo(12.65, within(1e-5));
        assertThat(new MeanAbsoluteError().compute(p, y, perSample)).isCloseTo(81.4 / 6, within(1e-5));
        // test_timestep_weighted: [2, 3, 1] with a weight per timestep [2, 3]
        INDArray steps = Nd4j.createFromArray(new float[][] {{3, 6, 5}, {0, 4, 2}});
        assertThat(new MeanSquaredError().compute(p.reshape(2, 3, 1), y.reshape(2, 3, 1), steps))
                .isCloseTo(97.833336, within(1e-4));
        assertThat(new MeanAbsoluteError().compute(p.reshape(2, 3, 1), y.reshape(2, 3, 1), steps))
                .isCloseTo(13.833333, within(1e-5));
        INDArray y2 = floats(new double[][] {{1, 0}, {1, 0}});
        INDArray p2 = floats(new double[][] {{1, 1}, {1, 0}});
        assertThat(new BinaryCrossentropy().compute(p2, y2, scalar)).isCloseTo(9.1668, within(1e-4));
        assertThat(new BinaryCrossentropy().compute(p2, y2, perSample)).isCloseTo(4.7827, within(1e-4));
        INDArray y3 = floats(new double[][] {{1, 0, 1}, {0, 1, 1}});
        INDArray logits = floats(new double[][] {{10, -10, 10}, {10, 10, -10}});
        assertThat(new BinaryCrossentropy(true).compute(logits, y3, scalar)).isCloseTo(7.666, within(1e-3));
        // Keras pins 10.0 to three decimals; the exact value is 10.00016 (log1p(exp(-10)) terms)
        assertThat(new BinaryCrossentropy(true).compute(logits, y3, Nd4j.createFromArray(4f, 3f)))
                .isCloseTo(10.0, within(1e-3));
        INDArray classes = Nd4j.createFromArray(0f, 1f, 2f);
        INDArray probabilities = floats(new double[][] {{0.9, 0.05, 0.05}, {0.5, 0.89, 0.6}, {0.05, 0.01, 0.94}});
        INDArray logits3 = floats(new double[][] {{8, 1, 1}, {0, 9, 1}, {2, 3, 5}});
        INDArray three = Nd4j.createFromArray(1.2f, 3.4f, 5.6f);
        // Keras pins these to three decimals
        assertThat(new SparseCategoricalCrossentropy().compute(probabilities, classes, scalar))
                .isCloseTo(0.7449, within(1e-3));
        assertThat(new SparseCategoricalCrossentropy(true).compute(logits3, classes, scalar))
                .isCloseTo(0.1317, within(1e-3));
        assertThat(new SparseCategoricalCrossentropy().compute(probabilities, classes, three))
                .isCloseTo(1.0696, within(1e-3));
        assertThat(new SparseCategoricalCrossentropy(true).compute(logits3, classes, three))
                .isCloseTo(0.31829, within(1e-3));
        // the same values from CategoricalCrossentropy on one-hot targets
        INDArray oneHot = floats(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        assertThat(new CategoricalCrossentropy().compute(probabilities, oneHot, scalar))
                .isCloseTo(0.7449, within(1e-3));
        assertThat(new CategoricalCrossentropy(true).compute(logits3, oneHot, scalar)).isCloseTo(0.1317, within(1e-3));
        assertThat(new CategoricalCrossentropy().compute(probabilities, oneHot, three)).isCloseTo(1.0696, within(1e-3));
        assertThat(new CategoricalCrossentropy(true).compute(logits3, oneHot, three))
                .isCloseTo(0.31829, within(1e-3));
    }

    @Test
    void weightedGradientsMatchCentralDifferences() {
        INDArray p = Nd4j.randn(DataType.DOUBLE, 2, 3, 4);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 2, 3, 4);
        for (INDArray weights : new INDArray[] {Nd4j.createFromArray(0.5, 2.0),
                Nd4j.createFromArray(new double[][] {{1, 0, 2}, {0.5, 3, 1}})}) {
            for (Loss loss : new Loss[] {new Huber(0.7), new CategoricalCrossentropy(true)}) {
                INDArray gradient = Nd4j.zeros(DataType.DOUBLE, 2, 3, 4);
                loss.gradient(p, y, weights, gradient);
                for (long i = 0; i < p.length(); i++) {
                    double value = p.getDouble(i);
                    INDArray plus = p.dup();
                    plus.putScalar(i, value + 1e-6);
                    INDArray minus = p.dup();
                    minus.putScalar(i, value - 1e-6);
                    double numeric = (loss.compute(plus, y, weights) - loss.compute(minus, y, weights)) / 2e-6;
                    assertThat(gradient.getDouble(i)).as("%s element %d", loss.name(), i).isCloseTo(numeric,
                            within(1e-7));
                }
            }
        }
        assertThatThrownBy(() -> new MeanSquaredError().compute(p, y, Nd4j.createFromArray(1.0, 2.0, 3.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected sample weights of one value, [2] (per sample) or [2, 3] (per row),"
                        + " found [3]");
    }

    static Stream<Loss> losses() {
        return Stream.of(new CategoricalCrossentropy(), new CategoricalCrossentropy(true), new MeanSquaredError(),
                new MeanAbsoluteError(), new Huber(), new Huber(0.3),
                new BinaryCrossentropy(), new BinaryCrossentropy(true), new SparseCategoricalCrossentropy(),
                new SparseCategoricalCrossentropy(true));
    }

    @ParameterizedTest
    @MethodSource("losses")
    void gradientsMatchCentralDifferencesOnBothRanks(Loss loss) {
        Random random = new Random(7);
        for (long[] shape : new long[][] {{4, 5}, {3, 4, 5}}) {
            INDArray p = Nd4j.zeros(DataType.DOUBLE, shape);
            boolean sparse = loss instanceof SparseCategoricalCrossentropy;
            boolean categorical = loss instanceof CategoricalCrossentropy;
            long[] targetShape = sparse ? java.util.Arrays.copyOf(shape, shape.length - 1) : shape;
            INDArray y = Nd4j.zeros(DataType.DOUBLE, targetShape);
            boolean probabilities = loss instanceof BinaryCrossentropy b && !b.fromLogits()
                    || loss instanceof SparseCategoricalCrossentropy s && !s.fromLogits()
                    || loss instanceof CategoricalCrossentropy c && !c.fromLogits();
            for (long i = 0; i < p.length(); i++) {
                // away from MAE's and Huber's kinks, and inside (0, 1) for probabilities
                p.putScalar(i, probabilities ? 0.05 + 0.9 * random.nextDouble() : 3 * random.nextGaussian());
            }
            for (long i = 0; i < y.length(); i++) {
                y.putScalar(i, sparse ? random.nextInt((int) shape[shape.length - 1])
                        : categorical ? random.nextDouble()
                        : loss instanceof BinaryCrossentropy ? random.nextInt(2) : 3 * random.nextGaussian());
            }
            INDArray gradient = Nd4j.zeros(DataType.DOUBLE, shape);
            loss.gradient(p, y, gradient);
            for (long i = 0; i < p.length(); i++) {
                double value = p.getDouble(i);
                INDArray plus = p.dup();
                plus.putScalar(i, value + 1e-6);
                INDArray minus = p.dup();
                minus.putScalar(i, value - 1e-6);
                double numeric = (loss.compute(plus, y) - loss.compute(minus, y)) / 2e-6;
                assertThat(gradient.getDouble(i)).as("%s %s element %d", loss.name(),
                        java.util.Arrays.toString(shape), i).isCloseTo(numeric, within(1e-7));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("losses")
    void configsReadBackThroughTheRegistry(Loss loss) {
        Loss read = Registry.LOSSES.create(loss.name(), loss.config());
        assertThat(read).isInstanceOf(loss.getClass());
        assertThat(read.config()).isEqualTo(loss.config());
    }

    @Test
    void regressionAndBinaryLossesTrainASequentialModel() {
        // y = 2 x0 - x1 + 0.5 with MSE, and y = (x0 > x1) with BCE on a sigmoid: the training loss must fall far
        Random random = new Random(3);
        double[][] x = new double[256][2];
        double[][] linear = new double[256][1];
        double[][] labels = new double[256][1];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = random.nextGaussian();
            linear[i][0] = 2 * x[i][0] - x[i][1] + 0.5;
            labels[i][0] = x[i][0] > x[i][1] ? 1 : 0;
        }
        INDArray inputs = floats(x);
        Sequential regression = new Sequential(TestSupport.BACKEND).seed(1).add(new dev.rnn4j.core.layers.Dense(1))
                .build(dev.rnn4j.api.Shape.of(2)).compile(new MeanSquaredError(),
                        new dev.rnn4j.core.optimizers.SGD(0.1));
        History fitted = regression.fit(inputs, floats(linear), new FitOptions().epochs(20).batchSize(32).verbose(0));
        assertThat(fitted.get("loss").get(19)).isLessThan(1e-3 * fitted.get("loss").get(0));
        Sequential classifier = new Sequential(TestSupport.BACKEND).seed(1)
                .add(new dev.rnn4j.core.layers.Dense(1, dev.rnn4j.api.ActivationFunction.SIGMOID))
                .build(dev.rnn4j.api.Shape.of(2)).compile(new BinaryCrossentropy(),
                        new dev.rnn4j.core.optimizers.SGD(0.5));
        History classified = classifier.fit(inputs, floats(labels), new FitOptions().epochs(20).batchSize(32)
                .verbose(0));
        assertThat(classified.get("loss").get(19)).isLessThan(0.25);
    }

    @Test
    void badShapesAndTargetsAreNamed() {
        INDArray p = Nd4j.zeros(DataType.FLOAT, 2, 3);
        assertThatThrownBy(() -> new MeanSquaredError().compute(p, Nd4j.zeros(DataType.FLOAT, 2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mean_squared_error")
                .hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> new SparseCategoricalCrossentropy().compute(p, Nd4j.zeros(DataType.FLOAT, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected class indices of shape [2]")
                .hasMessageContaining("found [3]");
        assertThatThrownBy(() -> new SparseCategoricalCrossentropy().compute(p, Nd4j.createFromArray(0f, 3f)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in [0, 3), found 3.0 at target 1");
        assertThatThrownBy(() -> new Huber(0.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delta: expected a positive finite number, found 0.0");
    }
}
