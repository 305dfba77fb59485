package dev.rnn4j.core.optimizers;

import dev.rnn4j.api.Optimizer;
import dev.rnn4j.core.FitOptions;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link LearningRateSchedule} to an optimizer during {@code fit}, as Keras's {@code LearningRateScheduler}
 * callback: epoch {@code e} (0-based) trains with {@code schedule.rate(e)}. The rate of the first epoch is set when
 * the scheduler is created; each later one after the epoch before it ends.
 * <pre>{@code
 * Optimizer sgd = new SGD();
 * model.compile(new CategoricalCrossentropy(), sgd, "accuracy");
 * model.fit(x, y, new FitOptions().epochs(20)
 *         .listener(new LearningRateScheduler(sgd, new StepDecay(0.01, 0.5, 5))));
 * }</pre>
 * When resuming with {@code FitOptions.initialEpoch(n)}, call {@link #startAt(int) startAt(n)} so the first epoch
 * trained gets {@code rate(n)}.
 */
public final class LearningRateScheduler implements FitOptions.EpochListener {
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;

    /**
     * Sets the optimizer's rate to {@code schedule.rate(0)}.
     *
     * @param optimizer the optimizer the model was compiled with
     * @param schedule  the rate per epoch
     * @throws IllegalArgumentException when the schedule gives a rate that is not positive and finite
     */
    public LearningRateScheduler(Optimizer optimizer, LearningRateSchedule schedule) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer is null");
        this.schedule = Objects.requireNonNull(schedule, "schedule is null");
        apply(0);
    }

    /**
     * Sets the rate of the next epoch trained, for resumed training.
     *
     * @param epoch the next epoch, 0-based (the {@code initialEpoch} given to fit)
     * @return this
     */
    public LearningRateScheduler startAt(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch: expected at least 0, found " + epoch);
        }
        apply(epoch);
        return this;
    }

    /**
     * Sets the rate of the next epoch.
     *
     * @param epoch the epoch just finished, 1-based, which is the next epoch's 0-based index
     * @param logs  the epoch's logs, unused
     * @return true: a schedule never stops training
     */
    @Override
    public boolean onEpochEnd(int epoch, Map<String, Double> logs) {
        apply(epoch);
        return true;
    }

    private void apply(int epoch) {
        double rate = schedule.rate(epoch);
        if (!(rate > 0.0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate schedule: epoch " + epoch
                    + ": expected a positive finite rate, found " + rate);
        }
        optimizer.setLearningRate(rate);
    }
}
