package dev.rnn4j.core.callbacks;

import dev.rnn4j.api.Optimizer;
import dev.rnn4j.core.Callback;
import dev.rnn4j.core.optimizers.LearningRateSchedule;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Keras's {@code LearningRateScheduler} callback: before epoch {@code e} (0-based) trains, the model's optimizer gets
 * {@code schedule.rate(e)}; the epoch's logs then hold it as {@code learning_rate}. A run resumed at epoch {@code e}
 * starts with {@code rate(e)}, so resuming needs nothing more.
 * <pre>{@code
 * model.fit(x, y, new FitOptions().epochs(20)
 *         .callbacks(new LearningRateScheduler(new StepDecay(0.01, 0.5, 5))));
 * }</pre>
 */
public final class LearningRateScheduler extends Callback {
    private final LearningRateSchedule schedule;
    private final boolean verbose;

    /** @param schedule the rate per epoch */
    public LearningRateScheduler(LearningRateSchedule schedule) {
        this(schedule, false);
    }

    /**
     * @param schedule the rate per epoch
     * @param verbose  whether to print each epoch's rate
     */
    public LearningRateScheduler(LearningRateSchedule schedule, boolean verbose) {
        this.schedule = Objects.requireNonNull(schedule, "schedule is null");
        this.verbose = verbose;
    }

    /**
     * Sets the epoch's rate.
     *
     * @throws IllegalArgumentException when the schedule gives a rate that is not positive and finite
     */
    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
        double rate = schedule.rate(epoch);
        if (!(rate > 0.0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("learning rate schedule: epoch " + epoch
                    + ": expected a positive finite rate, found " + rate);
        }
        optimizer().setLearningRate(rate);
        if (verbose) {
            context().out().printf(Locale.ROOT, "%nEpoch %d: LearningRateScheduler setting learning rate to %s.%n",
                    epoch + 1, rate);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        logs.put("learning_rate", optimizer().learningRate());
    }

    private Optimizer optimizer() {
        return Monitor.optimizer(context(), "LearningRateScheduler");
    }
}
