package dev.rnn4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import dev.rnn4j.core.optimizers.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LossAndOptimizerTest {
    private final CategoricalCrossentropy loss = new CategoricalCrossentropy();

    @Test
    void crossEntropyMatchesHandComputedValue() {
        INDArray p = Nd4j.createFromArray(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}});
        assertThat(loss.compute(p, y)).isCloseTo(-(Math.log(0.7) + Math.log(0.1)) / 2, within(1e-12));
    }

    @Test
    void crossEntropyClipsAsKeras() {
        INDArray p = Nd4j.createFromArray(new double[][] {{1.0, 0.0}});
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1}});
        assertThat(loss.compute(p, y)).isCloseTo(-Math.log(1e-7), within(1e-9));
    }

    @Test
    void crossEntropyGradientMatchesCentralDifferences() {
        double[][] values = {{0.5, 0.3, 0.2}, {0.25, 0.25, 0.5}};
        INDArray p = Nd4j.createFromArray(values);
        INDArray y = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {0.5, 0, 0.5}});
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        loss.gradient(p, y, gradient);
        for (int row = 0; row < 2; row++) {
            for (int column = 0; column < 3; column++) {
                INDArray plus = p.dup();
                plus.putScalar(row, column, values[row][column] + 1e-6);
                INDArray minus = p.dup();
                minus.putScalar(row, column, values[row][column] - 1e-6);
                double numeric = (loss.compute(plus, y) - loss.compute(minus, y)) / 2e-6;
                assertThat(gradient.getDouble(row, column)).isCloseTo(numeric, within(1e-6));
            }
        }
    }

    @Test
    void fusedSoftmaxGradientIsPMinusYOverBatch() {
        INDArray p = Nd4j.createFromArray(new double[][] {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}});
        INDArray out = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        loss.gradientBeforeActivation(p, y, out);
        double[] expected = {-0.15, 0.1, 0.05, 0.05, -0.45, 0.4};
        assertThat(out.reshape(6).toDoubleVector()).containsExactly(expected, within(1e-12));
    }

    @Test
    void crossEntropyRejectsMismatchedShapes() {
        assertThatThrownBy(() -> loss.compute(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 2, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
    }

    @Test
    void sgdFollowsKerasUpdateRules() {
        Parameter plain = parameter(1.0, 0.5);
        new SGD(0.1).step(List.of(plain), TestSupport.BACKEND);
        assertThat(plain.value().getDouble(0)).isCloseTo(1.0 - 0.1 * 0.5, within(1e-12));

        Parameter momentum = parameter(1.0, 0.5);
        SGD withMomentum = new SGD(0.1, 0.9, false);
        withMomentum.step(List.of(momentum), TestSupport.BACKEND);
        withMomentum.step(List.of(momentum), TestSupport.BACKEND);
        // v1 = -0.05, w1 = 0.95; v2 = 0.9 * -0.05 - 0.05 = -0.095, w2 = 0.855
        assertThat(momentum.value().getDouble(0)).isCloseTo(0.855, within(1e-12));

        Parameter nesterov = parameter(1.0, 0.5);
        SGD withNesterov = new SGD(0.1, 0.9, true);
        withNesterov.step(List.of(nesterov), TestSupport.BACKEND);
        // v1 = -0.05; w1 = 1 + 0.9 * -0.05 - 0.05 = 0.905
        assertThat(nesterov.value().getDouble(0)).isCloseTo(0.905, within(1e-12));
        assertThat(withNesterov.iterations()).isEqualTo(1);
    }

    @Test
    void sgdDefaultsAndValidation() {
        assertThat(new SGD().learningRate()).isEqualTo(0.01);
        assertThatThrownBy(() -> new SGD(0)).hasMessageContaining("learning_rate").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new SGD(0.1, 1.0, false)).hasMessageContaining("momentum");
    }

    private static Parameter parameter(double value, double gradient) {
        return new Parameter("w", Nd4j.createFromArray(value), Nd4j.createFromArray(gradient));
    }
}
