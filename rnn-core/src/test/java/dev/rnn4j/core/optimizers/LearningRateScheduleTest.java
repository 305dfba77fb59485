package dev.rnn4j.core.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void exponentialDecayIsKerasFormulaCountedInEpochs() {
        ExponentialDecay smooth = new ExponentialDecay(0.1, 0.5, 2, false);
        // 0.1 * 0.5^(epoch / 2)
        assertThat(smooth.rate(0)).isEqualTo(0.1);
        assertThat(smooth.rate(1)).isCloseTo(0.1 * Math.sqrt(0.5), within(1e-15));
        assertThat(smooth.rate(4)).isCloseTo(0.025, within(1e-15));
        ExponentialDecay staircase = new ExponentialDecay(0.1, 0.5, 2, true);
        assertThat(staircase.rate(1)).isEqualTo(0.1);
        assertThat(staircase.rate(3)).isCloseTo(0.05, within(1e-15));
        assertThatThrownBy(() -> new ExponentialDecay(0.1, 0.5, 0, false)).hasMessageContaining("decay_steps");
        assertThatThrownBy(() -> new ExponentialDecay(-1, 0.5, 1, false)).hasMessageContaining("initial");
    }

    @Test
    void stepDecayMultipliesEveryStep() {
        StepDecay decay = new StepDecay(0.01, 0.5, 3);
        assertThat(List.of(decay.rate(0), decay.rate(2), decay.rate(3), decay.rate(6), decay.rate(8)))
                .containsExactly(0.01, 0.01, 0.005, 0.0025, 0.0025);
        assertThatThrownBy(() -> new StepDecay(0.01, 0, 3)).hasMessageContaining("factor");
    }
}
