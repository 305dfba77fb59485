package dev.rnn4j.core.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import dev.rnn4j.core.TestSupport;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class AdamTest {

    /**
     * w = 1, learning rate 0.1, Keras's betas and epsilon; gradients 0.5 then -0.2:
     * <pre>
     * t=1: m = 0.1 * 0.5 = 0.05;  v = 0.001 * 0.25 = 0.00025
     *      lr_1 = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.0316227766
     *      w = 1 - 0.0316227766 * 0.05 / (sqrt(0.00025) + 1e-7) = 1 - 0.0316227766 * 0.05 / 0.0158114883
     *        = 0.900000632452
     * t=2: m = 0.9 * 0.05 + 0.1 * -0.2 = 0.025;  v = 0.999 * 0.00025 + 0.001 * 0.04 = 0.00028975
     *      lr_2 = 0.1 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.02353167253
     *      w = 0.900000632452 - 0.02353167253 * 0.025 / (sqrt(0.00028975) + 1e-7) = 0.865440250693
     * </pre>
     */
    @Test
    void followsKerasUpdateRule() {
        Parameter parameter = parameter(1.0);
        Adam adam = new Adam(0.1);
        step(adam, parameter, 0.5);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.900000632452, within(1e-12));
        step(adam, parameter, -0.2);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.865440250693, within(1e-12));
        assertThat(adam.iterations()).isEqualTo(2);
    }

    /**
     * Gradients 0.5 then 0: v drops to 0.999 * 0.00025 = 0.00024975 but amsgrad keeps v_hat = 0.00025, so
     * w = 0.900000632452 - 0.02353167253 * 0.045 / (sqrt(0.00025) + 1e-7) = 0.833028741898 (plain Adam: 0.832995231029
     * with sqrt(0.00024975)).
     */
    @Test
    void amsgradDividesByTheLargestSecondMoment() {
        Parameter withAmsgrad = parameter(1.0);
        Adam amsgrad = new Adam(0.1, 0.9, 0.999, 1e-7, true);
        step(amsgrad, withAmsgrad, 0.5);
        step(amsgrad, withAmsgrad, 0.0);
        assertThat(withAmsgrad.value().getDouble(0)).isCloseTo(0.833028741898, within(1e-12));
        Parameter plain = parameter(1.0);
        Adam adam = new Adam(0.1);
        step(adam, plain, 0.5);
        step(adam, plain, 0.0);
        assertThat(plain.value().getDouble(0)).isCloseTo(0.832995231029, within(1e-12));
    }

    @Test
    void updatesEveryEntryOfFloatParametersWithItsOwnMoments() {
        Parameter parameter = new Parameter("kernel", Nd4j.createFromArray(new float[][] {{1f, 1f}, {1f, 1f}}),
                Nd4j.createFromArray(new float[][] {{0.5f, -0.2f}, {0f, 0.5f}}));
        new Adam(0.1).step(List.of(parameter), TestSupport.BACKEND);
        // Each nonzero gradient moves its weight by about the learning rate, against its sign; zero stays.
        assertThat(parameter.value().toFloatMatrix()[0]).containsExactly(new float[] {0.9f, 1.1f}, within(1e-5f));
        assertThat(parameter.value().toFloatMatrix()[1]).containsExactly(new float[] {1f, 0.9f}, within(1e-5f));
    }

    @Test
    void hasKerasDefaultsAndValidates() {
        assertThat(new Adam().config()).containsEntry("learning_rate", 0.001).containsEntry("beta_1", 0.9)
                .containsEntry("beta_2", 0.999).containsEntry("epsilon", 1e-7).containsEntry("amsgrad", false);
        assertThat(new Adam().name()).isEqualTo("Adam");
        assertThatThrownBy(() -> new Adam(0)).hasMessageContaining("learning_rate").hasMessageContaining("0.0");
        assertThatThrownBy(() -> new Adam(0.1, 1.0, 0.999, 1e-7, false)).hasMessageContaining("beta_1");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, -0.1, 1e-7, false)).hasMessageContaining("beta_2");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, 0.999, -1, false)).hasMessageContaining("epsilon");
        Adam adam = new Adam();
        adam.setLearningRate(0.5);
        assertThat(adam.learningRate()).isEqualTo(0.5);
    }

    static Parameter parameter(double value) {
        return new Parameter("w", Nd4j.createFromArray(value), Nd4j.zeros(DataType.DOUBLE, 1));
    }

    static void step(dev.rnn4j.api.Optimizer optimizer, Parameter parameter, double gradient) {
        parameter.gradient().putScalar(0, gradient);
        optimizer.step(List.of(parameter), TestSupport.BACKEND);
    }
}
