package dev.rnn4j.core.optimizers;

import static dev.rnn4j.core.optimizers.AdamTest.parameter;
import static dev.rnn4j.core.optimizers.AdamTest.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Parameter;
import org.junit.jupiter.api.Test;

class RMSpropTest {

    /** Keras's docstring example: var = 10, loss = var² / 2 (so gradient = var), rate 0.1: one step gives 9.683772. */
    @Test
    void reproducesKerasDocstringExample() {
        Parameter parameter = parameter(10.0);
        step(new RMSprop(0.1), parameter, 10.0);
        // v = 0.1 * 100 = 10; w = 10 - 0.1 * 10 / sqrt(10 + 1e-7) = 9.683772235564
        assertThat(parameter.value().getDouble(0)).isCloseTo(9.683772235564, within(1e-12));
    }

    /**
     * w = 1, learning rate 0.1, rho 0.9, epsilon 1e-7 under the square root; gradients 0.5 then -0.2:
     * <pre>
     * v_1 = 0.1 * 0.25 = 0.025;                 w_1 = 1 - 0.1 * 0.5 / sqrt(0.025 + 1e-7) = 0.683772866437
     * v_2 = 0.9 * 0.025 + 0.1 * 0.04 = 0.0265;  w_2 = w_1 + 0.1 * 0.2 / sqrt(0.0265 + 1e-7) = 0.806631657995
     * </pre>
     */
    @Test
    void followsKerasUpdateRule() {
        Parameter parameter = parameter(1.0);
        RMSprop rmsprop = new RMSprop(0.1);
        step(rmsprop, parameter, 0.5);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.683772866437, within(1e-12));
        step(rmsprop, parameter, -0.2);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.806631657995, within(1e-12));
    }

    /**
     * Momentum 0.5: increments 0.1 * 0.5 / sqrt(0.025 + 1e-7) = 0.3162271336, then 0.1 * -0.2 / sqrt(0.0265 + 1e-7)
     * = -0.1228587916; s_1 = 0.3162271336, s_2 = 0.5 * s_1 - 0.1228587916 = 0.0352547752; w_2 = 1 - s_1 - s_2
     * = 0.648518091213.
     */
    @Test
    void momentumAccumulatesIncrements() {
        Parameter parameter = parameter(1.0);
        RMSprop rmsprop = new RMSprop(0.1, 0.9, 0.5, 1e-7, false);
        step(rmsprop, parameter, 0.5);
        step(rmsprop, parameter, -0.2);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.648518091213, within(1e-12));
    }

    /**
     * Centered: a_1 = 0.05, a_2 = 0.9 * 0.05 - 0.02 = 0.025; increments 0.1 * 0.5 / sqrt(0.025 - 0.0025 + 1e-7)
     * = 0.3333325926 and 0.1 * -0.2 / sqrt(0.0265 - 0.000625 + 1e-7) = -0.1243337342; w_2 = 0.791001141579.
     */
    @Test
    void centeredDividesByTheVariance() {
        Parameter parameter = parameter(1.0);
        RMSprop rmsprop = new RMSprop(0.1, 0.9, 0.0, 1e-7, true);
        step(rmsprop, parameter, 0.5);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.666667407405, within(1e-12));
        step(rmsprop, parameter, -0.2);
        assertThat(parameter.value().getDouble(0)).isCloseTo(0.791001141579, within(1e-12));
    }

    @Test
    void hasKerasDefaultsAndValidates() {
        assertThat(new RMSprop().config()).containsEntry("learning_rate", 0.001).containsEntry("rho", 0.9)
                .containsEntry("momentum", 0.0).containsEntry("epsilon", 1e-7).containsEntry("centered", false);
        assertThat(new RMSprop().name()).isEqualTo("RMSprop");
        assertThatThrownBy(() -> new RMSprop(Double.POSITIVE_INFINITY)).hasMessageContaining("learning_rate");
        assertThatThrownBy(() -> new RMSprop(0.1, 1.0, 0, 1e-7, false)).hasMessageContaining("rho");
        assertThatThrownBy(() -> new RMSprop(0.1, 0.9, 1.0, 1e-7, false)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new RMSprop(0.1, 0.9, 0, Double.NaN, false)).hasMessageContaining("epsilon");
    }
}
