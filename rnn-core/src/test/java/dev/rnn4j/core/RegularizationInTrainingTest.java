package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Layer;
import dev.rnn4j.api.Parameter;
import dev.rnn4j.api.Shape;
import dev.rnn4j.core.initializers.Initializers;
import dev.rnn4j.core.layers.Bidirectional;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.layers.LSTM;
import dev.rnn4j.core.layers.SimpleRNN;
import dev.rnn4j.core.layers.TimeDistributed;
import dev.rnn4j.core.losses.MeanSquaredError;
import dev.rnn4j.core.optimizers.SGD;
import dev.rnn4j.core.regularizers.L1;
import dev.rnn4j.core.regularizers.L1L2;
import dev.rnn4j.core.regularizers.L2;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Regularizers in training, as Keras: the penalties join the loss {@code fit} minimises and reports as {@code loss}
 * (not an output's {@code <name>_loss}), their gradients the weights' updates, {@code evaluate}'s {@code loss} and
 * the loss gradient checks perturb.
 */
class RegularizationInTrainingTest {
    private static final INDArray X = Nd4j.createFromArray(new float[][] {{1, 2}, {3, -1}});
    private static final INDArray Y = Nd4j.createFromArray(new float[][] {{1}, {0}});

    /** Dense(1): kernel [[0.5], [0.5]] with L2(0.1), bias [0.1] with L1(0.2); MSE, SGD(0.1). */
    private static Sequential tinyModel(boolean regularized) {
        Dense.Builder dense = Dense.builder(1).kernelInitializer(Initializers.constant(0.5))
                .biasInitializer(Initializers.constant(0.1));
        if (regularized) {
            dense.kernelRegularizer(new L2(0.1)).biasRegularizer(new L1(0.2));
        }
        Sequential model = new Sequential(TestSupport.BACKEND).seed(1);
        model.add(dense.build());
        model.build(Shape.of(2));
        model.compile(new MeanSquaredError(), new SGD(0.1));
        return model;
    }

    private static FitOptions oneStep() {
        return new FitOptions().epochs(1).batchSize(2).shuffle(false).verbose(0);
    }

    @Test
    void fitReportsTheDataLossPlusThePenaltyAndStepsOnBoth() {
        // predictions [1.6, 1.1]: MSE ((0.6)^2 + (1.1)^2) / 2 = 0.785
        // penalty 0.1 * (0.5^2 + 0.5^2) + 0.2 * |0.1| = 0.05 + 0.02 = 0.07
        History plain = tinyModel(false).fit(X, Y, oneStep());
        assertThat(plain.get("loss").get(0)).isCloseTo(0.785, within(1e-6));
        Sequential model = tinyModel(true);
        assertThat(model.regularizationLoss()).isCloseTo(0.07, within(1e-7));

        History history = model.fit(X, Y, oneStep());

        assertThat(history.get("loss").get(0)).isCloseTo(0.855, within(1e-6));
        // dMSE/dp = 2 (p - y) / 2 = [0.6, 1.1]; kernel: x^T g = [3.9, 0.1] plus 2 * 0.1 * 0.5 = 0.1 -> [4.0, 0.2];
        // bias: 0.6 + 1.1 = 1.7 plus 0.2 * sign(0.1) = 0.2 -> 1.9; SGD(0.1)
        Parameter kernel = model.parameters().get(0);
        Parameter bias = model.parameters().get(1);
        assertThat(Values.of(kernel.value())).containsExactly(new double[] {0.1, 0.48}, within(1e-6));
        assertThat(Values.of(bias.value())).containsExactly(new double[] {-0.09}, within(1e-6));
    }

    @Test
    void evaluateAndComputeLossIncludeThePenalty() {
        Sequential model = tinyModel(true);
        model.fit(X, Y, oneStep());
        // weights [0.1, 0.48], bias -0.09: predictions [0.97, -0.27], MSE (0.03^2 + 0.27^2) / 2 = 0.0369;
        // penalty 0.1 * (0.01 + 0.2304) + 0.2 * 0.09 = 0.04204
        double expected = 0.0369 + 0.04204;
        assertThat(model.regularizationLoss()).isCloseTo(0.04204, within(1e-6));
        assertThat(model.evaluate(X, Y, 2, 0).get("loss")).isCloseTo(expected, within(1e-6));
        assertThat(model.evaluate(X, Y, 1, 0).get("loss")).isCloseTo(expected, within(1e-6));
        assertThat(model.evaluateOutputs(model.predict(X, 2), Y, 2).get("loss")).isCloseTo(expected, within(1e-6));
        assertThat(model.computeLoss(X, Y)).isCloseTo(expected, within(1e-6));
        assertThat(model.computeGradients(X, Y, false)).isCloseTo(expected, within(1e-6));
    }

    @Test
    void weightDecayShrinksTheWeights() {
        Random random = new Random(4);
        float[][] x = new float[64][8];
        float[][] y = new float[64][1];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 8; j++) {
                x[i][j] = (float) random.nextGaussian();
                y[i][0] += 2.0f * x[i][j];
            }
        }
        double plain = trainedKernelSquares(null, x, y);
        double decayed = trainedKernelSquares(new L2(0.5), x, y);
        assertThat(plain).isCloseTo(8 * 4.0, within(1.0));      // y = 2 * sum(x): the kernel learns 2s
        // the minimum of E[(w.x - 2.x)^2] + 0.5 |w|^2 for standard normal x: w = 4 / 3, |w|^2 = 8 * 16 / 9
        assertThat(decayed).isLessThan(0.6 * plain);
    }

    private static double trainedKernelSquares(L2 regularizer, float[][] x, float[][] y) {
        Sequential model = new Sequential(TestSupport.BACKEND).seed(9);
        model.add(Dense.builder(1).kernelRegularizer(regularizer).build());
        model.build(Shape.of(8));
        model.compile(new MeanSquaredError(), new SGD(0.05));
        model.fit(Nd4j.createFromArray(x), Nd4j.createFromArray(y), new FitOptions().epochs(40).batchSize(16)
                .verbose(0));
        double sum = 0;
        for (double value : Values.of(model.parameters().get(0).value())) {
            sum += value * value;
        }
        return sum;
    }

    @Test
    void perOutputLossesLeaveThePenaltyOut() {
        Tensor input = Input.of(Shape.of(3));
        Tensor hidden = Graph.call(Dense.builder(4).kernelRegularizer(new L2(0.5)).build(), input);
        Tensor first = Graph.call(Dense.builder(1).kernelRegularizer(new L1(0.1)).build(), hidden);
        Tensor second = Graph.call(new Dense(2), hidden);
        Model model = new Model(TestSupport.BACKEND, List.of(input), List.of(first, second)).seed(5);
        model.compile(new MeanSquaredError(), new SGD(0.01));
        List<INDArray> x = List.of(Nd4j.rand(DataType.FLOAT, 6, 3));
        List<INDArray> y = List.of(Nd4j.rand(DataType.FLOAT, 6, 1), Nd4j.rand(DataType.FLOAT, 6, 2));
        model.build();
        double penalty = model.regularizationLoss();
        assertThat(penalty).isGreaterThan(0.1);

        Map<String, Double> scores = model.evaluate(x, y, 6, 0);
        assertThat(scores.get("loss")).isCloseTo(scores.get("dense_1_loss") + scores.get("dense_2_loss") + penalty,
                within(1e-6));
        assertThat(model.computeLoss(x, y)).isCloseTo(scores.get("loss"), within(1e-6));

        Map<String, List<Double>> history = model.fit(x, y, new FitOptions().epochs(1).batchSize(6).verbose(0))
                .asMap();
        assertThat(history.get("loss").get(0)).isCloseTo(scores.get("loss"), within(1e-6));
        assertThat(history.get("dense_1_loss").get(0)).isCloseTo(scores.get("dense_1_loss"), within(1e-6));
        assertThat(history.get("dense_2_loss").get(0)).isCloseTo(scores.get("dense_2_loss"), within(1e-6));
    }

    @Test
    void aModelsGradientCheckCoversThePenalties() {
        Sequential model = new Sequential(TestSupport.BACKEND, DataType.DOUBLE).seed(3);
        model.add(SimpleRNN.builder(3).kernelRegularizer(new L1L2(0.1, 0.2)).recurrentRegularizer(new L2(0.3))
                .biasRegularizer(new L2(0.1)).biasInitializer(Initializers.constant(0.2)).build());
        model.add(Dense.builder(2).kernelRegularizer(new L1(0.2)).biasRegularizer(new L2(0.4))
                .biasInitializer(Initializers.constant(-0.3)).build());
        model.build(Shape.of(4, 2));
        model.compile(new MeanSquaredError(), new SGD());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4, 2);
        INDArray y = Nd4j.rand(DataType.DOUBLE, 3, 2);
        assertThat(model.regularizationLoss()).isGreaterThan(0.1);
        GradientCheck.assertModel(model, x, y);
    }

    @Test
    void wrappersPassTheirInnerLayersPenaltiesOn() {
        Bidirectional bidirectional = new Bidirectional(LSTM.builder(2).kernelRegularizer(new L2(0.3))
                .recurrentRegularizer(new L1(0.1)).returnSequences(true).build());
        TimeDistributed distributed = new TimeDistributed(Dense.builder(2).kernelRegularizer(new L2(0.4)).build());
        Sequential model = new Sequential(TestSupport.BACKEND).seed(6);
        model.add(bidirectional).add(distributed);
        model.build(Shape.of(3, 2));
        double expected = 0;
        for (Parameter parameter : bidirectional.parameters()) {
            // forward_lstm/kernel, .../recurrent_kernel, .../bias, then the backward layer's
            if (parameter.name().endsWith("/kernel")) {
                expected += 0.3 * squares(parameter.value());
            } else if (parameter.name().endsWith("/recurrent_kernel")) {
                expected += 0.1 * absolutes(parameter.value());
            }
        }
        assertThat(bidirectional.parameters()).hasSize(6);
        assertThat(bidirectional.regularizationLoss()).isCloseTo(expected, within(1e-6)).isGreaterThan(0.1);
        double inner = 0.4 * squares(distributed.layer().parameters().get(0).value());
        assertThat(distributed.regularizationLoss()).isCloseTo(inner, within(1e-6)).isGreaterThan(0.01);
        assertThat(model.regularizationLoss()).isCloseTo(expected + inner, within(1e-6));
    }

    @Test
    void withoutRegularizersNothingChanges() {
        Sequential model = tinyModel(false);
        assertThat(model.regularizationLoss()).isZero();
        for (Layer layer : model.layers()) {
            assertThat(layer.regularizationLoss()).isZero();
        }
    }

    private static double squares(INDArray array) {
        double sum = 0;
        for (double value : Values.of(array)) {
            sum += value * value;
        }
        return sum;
    }

    private static double absolutes(INDArray array) {
        double sum = 0;
        for (double value : Values.of(array)) {
            sum += Math.abs(value);
        }
        return sum;
    }
}
