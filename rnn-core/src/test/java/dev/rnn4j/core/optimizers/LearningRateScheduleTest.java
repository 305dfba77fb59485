package dev.rnn4j.core.optimizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rnn4j.api.Shape;
import dev.rnn4j.core.FitOptions;
import dev.rnn4j.core.Sequential;
import dev.rnn4j.core.TestSupport;
import dev.rnn4j.core.layers.Activation;
import dev.rnn4j.core.layers.Dense;
import dev.rnn4j.core.losses.CategoricalCrossentropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    @Test
    void schedulerSetsEachEpochsRateBeforeItTrains() {
        SGD sgd = new SGD(0.5);
        List<Double> seen = new ArrayList<>();
        LearningRateScheduler scheduler = new LearningRateScheduler(sgd, epoch -> 0.1 / (epoch + 1));
        assertThat(sgd.learningRate()).as("epoch 0's rate, set at once").isEqualTo(0.1);
        Sequential model = new Sequential(TestSupport.BACKEND).seed(3);
        model.add(new Dense(2)).add(new Activation("softmax"));
        model.build(Shape.of(3));
        model.compile(new CategoricalCrossentropy(), sgd);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3);
        INDArray y = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}});
        // The listener before the scheduler sees the rate the epoch trained with.
        model.fit(x, y, new FitOptions().epochs(3).verbose(0)
                .listener((epoch, logs) -> seen.add(sgd.learningRate()))
                .listener(scheduler));
        assertThat(seen).containsExactly(0.1, 0.05, 0.1 / 3);
        assertThat(sgd.learningRate()).isEqualTo(0.025);
        scheduler.startAt(9);
        assertThat(sgd.learningRate()).isCloseTo(0.01, within(1e-15));
    }

    @Test
    void schedulerRejectsABadRateNamingTheEpoch() {
        LearningRateScheduler scheduler = new LearningRateScheduler(new Adam(), epoch -> epoch < 2 ? 0.001 : 0.0);
        assertThat(scheduler.onEpochEnd(1, Map.of())).isTrue();
        assertThatThrownBy(() -> scheduler.onEpochEnd(2, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch 2").hasMessageContaining("0.0");
    }
}
